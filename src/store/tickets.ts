import { Batch, pad, type Db, type JsonSub } from './db.js';
import { indexMessage, indexTicket } from './search-index.js';
import { notePause } from '../desk/sla.js';
import { PRIORITIES, fillTicketDefaults, withTicketDefaults, type FullTicket, type Message, type Ticket, type TicketStatus } from '../desk/types.js';

// Tickets, their messages and the indexes that list and thread them.

/** Sorts after every real due date, so tickets without one come last when sorting by due. */
const NO_DUE = 999_999_999_999_999;
/** Assignee part of the index key for unassigned tickets (user ids never contain '-'). */
const NOBODY = '-';

/**
 * Every index row of a ticket. Each view the panel offers reads one prefix instead of
 * scanning all tickets: updated, created, status, assignee (mine / unassigned), department,
 * support address, tag, priority and due date. Keys end with the ticket number.
 */
function indexKeys(stored: Ticket): string[] {
  const t = withTicketDefaults(stored);
  const no = pad(t.number, 10);
  // A merged ticket is listed nowhere (its number reads as the target); a trashed one only in the Trash.
  if (t.mergedInto !== undefined) return [];
  if (t.deletedAt !== null) return [`x:${pad(t.deletedAt)}:${no}`];
  const upd = pad(t.updatedAt);
  return [
    `u:${upd}:${no}`,
    `s:${t.status}:${upd}:${no}`,
    `c:${pad(t.createdAt)}:${no}`,
    `a:${t.assigneeId ?? NOBODY}:${upd}:${no}`,
    `d:${t.departmentId}:${upd}:${no}`,
    `ds:${t.departmentId}:${t.status}:${upd}:${no}`,
    `l:${t.alias.toLowerCase()}:${upd}:${no}`,
    `p:${PRIORITIES.indexOf(t.priority)}:${upd}:${no}`,
    `due:${pad(effectiveDue(t) ?? NO_DUE)}:${no}`,
    `k:${t.contactId}:${upd}:${no}`,
    ...t.tags.map((tag) => `g:${tag}:${upd}:${no}`),
    // An SLA escalation ran (src/jobs/sla.ts records it in sla.escalated): the Escalated view.
    ...(t.sla?.escalated?.length ? [`e:${upd}:${no}`] : []),
  ];
}

/** The earlier of the agent-set due date and the next SLA deadline: what "overdue" means. */
export function effectiveDue(t: Ticket): number | null {
  const dues = [t.dueAt, t.sla?.nextDueAt].filter((d): d is number => typeof d === 'number');
  return dues.length ? Math.min(...dues) : null;
}

/**
 * Writes a ticket and its index rows. Keeps two facts every writer would otherwise have to
 * remember: when the status last changed (auto-close counts from it) and when it closed
 * (the reopen window counts from it).
 */
export function putTicket(db: Db, batch: Batch, ticket: Ticket, previous?: Ticket): void {
  if (previous) for (const k of indexKeys(previous)) batch.del(db.sub.tidx, k);
  const statusChanged = !previous || previous.status !== ticket.status;
  if (statusChanged && (!previous || ticket.statusChangedAt === previous.statusChangedAt)) ticket.statusChangedAt = previous ? ticket.updatedAt : ticket.createdAt;
  // The SLA clock stops while the ticket waits on the customer or is on hold.
  if (statusChanged) {
    const pauses = notePause(previous?.slaPauses, previous?.status, ticket.status, ticket.statusChangedAt ?? ticket.updatedAt);
    if (pauses.length) ticket.slaPauses = pauses;
    // Paused or closed, no SLA deadline runs: the ticket leaves the overdue list until the
    // SLA job sets the next one.
    if (ticket.status !== 'open' && ticket.sla?.nextDueAt != null) ticket.sla = { ...ticket.sla, nextDueAt: null };
  }
  if (ticket.status === 'closed' && ticket.closedAt === undefined) ticket.closedAt = ticket.updatedAt;
  batch.put(db.sub.ticket, pad(ticket.number, 10), ticket);
  for (const k of indexKeys(ticket)) batch.put(db.sub.tidx, k, '');
  indexTicket(db, batch, ticket, previous);
}

/**
 * A ticket by number. A merged ticket's number reads as the ticket it was merged into, so
 * links, subject tokens and replies to the old number all land in the surviving ticket.
 */
export async function getTicket(db: Db, number: number): Promise<FullTicket | undefined> {
  for (let hops = 0; hops < 10; hops++) {
    const t = await getTicketRecord(db, number);
    if (!t || t.mergedInto === undefined) return t;
    number = t.mergedInto;
  }
  return undefined;
}

/** The ticket stored under this number, merged or not. */
export async function getTicketRecord(db: Db, number: number): Promise<FullTicket | undefined> {
  const t = await db.get<Ticket>(db.sub.ticket, pad(number, 10));
  return t && withTicketDefaults(t);
}

/** Removes a ticket's list rows: before a purge, which deletes the record itself. */
export function delTicketIndex(db: Db, batch: Batch, ticket: Ticket): void {
  for (const k of indexKeys(ticket)) batch.del(db.sub.tidx, k);
}

const INDEX_VERSION = 5;

/** Rebuilds the list indexes when their layout changed since the data was written. */
export async function reindexTickets(db: Db): Promise<number> {
  if ((await db.get<number>(db.sub.meta, 'tidx:version')) === INDEX_VERSION) return 0;
  await db.sub.tidx.clear();
  let count = 0;
  let batch = new Batch();
  for await (const t of db.sub.ticket.values()) {
    for (const k of indexKeys(t as Ticket)) batch.put(db.sub.tidx, k, '');
    if (++count % 1000 === 0) {
      await db.commit(batch);
      batch = new Batch();
    }
  }
  batch.put(db.sub.meta, 'tidx:version', INDEX_VERSION);
  await db.commit(batch);
  return count;
}

export function putMessage(db: Db, batch: Batch, message: Message): void {
  batch.put(db.sub.msg, message.id, message);
  // Attachments are served by id; this says which ticket (and so who) may read one.
  for (const a of message.attachments) batch.put(db.sub.attof, a.id, message.id);
  batch.put(db.sub.tmsg, `${pad(message.ticketNumber, 10)}:${message.id}`, '');
  if (message.messageId) batch.put(db.sub.mid, normaliseMessageId(message.messageId), message.id);
  indexMessage(db, batch, message);
}

export function getMessage(db: Db, id: string): Promise<Message | undefined> {
  return db.get<Message>(db.sub.msg, id);
}

export async function messagesOf(db: Db, number: number): Promise<Message[]> {
  const prefix = `${pad(number, 10)}:`;
  const keys = await db.keys(db.sub.tmsg, { gte: prefix, lt: prefix + '~' });
  const ids = keys.map((k) => k.slice(prefix.length));
  const found = await db.sub.msg.getMany(ids);
  return found.filter(Boolean) as Message[];
}

/**
 * The ticket's latest message in `direction`, reading from the end: the few newest first
 * (after a customer's mail usually come only our acknowledgement and replies), the whole
 * ticket only when those hold none. Each new mail asks it; messagesOf would read them all.
 */
export async function lastMessageOf(db: Db, number: number, direction: Message['direction']): Promise<Message | undefined> {
  const prefix = `${pad(number, 10)}:`;
  const keys = await db.keys(db.sub.tmsg, { gte: prefix, lt: prefix + '~', reverse: true, limit: 4 });
  const recent = (await db.sub.msg.getMany(keys.map((k) => k.slice(prefix.length)))).filter(Boolean) as Message[];
  const found = recent.find((m) => m.direction === direction);
  if (found || keys.length < 4) return found;
  return (await messagesOf(db, number)).filter((m) => m.direction === direction).at(-1);
}

/** Message-IDs compare without angle brackets and case-insensitively (RFC 5322 §3.6.4 msg-id). */
export function normaliseMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').toLowerCase();
}

export async function messageByMessageId(db: Db, messageId: string): Promise<Message | undefined> {
  const id = await db.get<string>(db.sub.mid, normaliseMessageId(messageId));
  return id ? getMessage(db, id) : undefined;
}

/** Whether a Message-ID is stored, with one read. */
export async function messageIdKnown(db: Db, messageId: string): Promise<boolean> {
  return (await db.get<string>(db.sub.mid, normaliseMessageId(messageId))) !== undefined;
}

// The last number handed out, per store: every writer takes numbers here, inside a serial
// section, so memory and disk agree; a batch that fails to commit leaves a gap, never a
// number used twice.
const lastNumber = new WeakMap<Db, number>();

/** Reserves the next ticket number inside a serial section. */
export async function nextTicketNumber(db: Db, batch: Batch, first: number): Promise<number> {
  let last = lastNumber.get(db);
  if (last === undefined) last = (await db.get<number>(db.sub.meta, 'seq:ticket')) ?? first - 1;
  const next = Math.max(last + 1, first);
  lastNumber.set(db, next);
  batch.put(db.sub.meta, 'seq:ticket', next);
  return next;
}

export interface TicketPage {
  items: FullTicket[];
  nextCursor: string | null;
}

/** A slice of the ticket index: one view. Descending (newest first) unless `ascending`. */
export interface IndexRange {
  gte: string;
  lt: string;
  ascending?: boolean;
  /** The sublevel holding the range when it is not the list index `tidx` (the Sent folder). */
  index?: (db: Db) => JsonSub;
}

/** The index ranges the views read; see indexKeys. */
export const ticketIndex = {
  updated: (): IndexRange => ({ gte: 'u:', lt: 'u:~' }),
  created: (): IndexRange => ({ gte: 'c:', lt: 'c:~' }),
  /** Tickets created in [from, to), oldest first (statistics). */
  createdBetween: (from: number, to: number): IndexRange => ({ gte: `c:${pad(from)}`, lt: `c:${pad(to)}`, ascending: true }),
  status: (s: TicketStatus): IndexRange => ({ gte: `s:${s}:`, lt: `s:${s}:~` }),
  assignee: (userId: string | null): IndexRange => ({ gte: `a:${userId ?? NOBODY}:`, lt: `a:${userId ?? NOBODY}:~` }),
  department: (id: string, status?: TicketStatus): IndexRange =>
    status ? { gte: `ds:${id}:${status}:`, lt: `ds:${id}:${status}:~` } : { gte: `d:${id}:`, lt: `d:${id}:~` },
  alias: (address: string): IndexRange => ({ gte: `l:${address.toLowerCase()}:`, lt: `l:${address.toLowerCase()}:~` }),
  contact: (id: string): IndexRange => ({ gte: `k:${id}:`, lt: `k:${id}:~` }),
  tag: (tag: string): IndexRange => ({ gte: `g:${tag}:`, lt: `g:${tag}:~` }),
  /** Tickets an SLA escalation ran on, by last update. */
  escalated: (): IndexRange => ({ gte: 'e:', lt: 'e:~' }),
  /** Urgent first; `atLeast` limits to that priority and above. */
  priority: (atLeast = 0): IndexRange => ({ gte: `p:${atLeast}:`, lt: 'p:~' }),
  /** The Trash, most recently deleted first; `before` limits to tickets deleted before it. */
  trash: (before?: number): IndexRange => ({ gte: 'x:', lt: before === undefined ? 'x:~' : `x:${pad(before)}` }),
  /** Soonest due first, tickets without a due date last; `before` limits to due dates before it. */
  due: (before?: number): IndexRange => ({ gte: 'due:', lt: before === undefined ? 'due:~' : `due:${pad(before)}`, ascending: true }),
};

/**
 * Tickets of one index range (by default: by last update, newest first, optionally of one
 * status). The cursor is the index key of the last row returned, so pages stay stable while
 * new mail arrives. `match` filters rows the range cannot (visibility, a second filter).
 */
export async function listTickets(
  db: Db,
  opts: { status?: TicketStatus; range?: IndexRange; limit: number; cursor?: string; match?: (t: FullTicket) => boolean },
): Promise<TicketPage> {
  const range = opts.range ?? (opts.status ? ticketIndex.status(opts.status) : ticketIndex.updated());
  const index = range.index?.(db) ?? db.sub.tidx;
  const inRange = opts.cursor !== undefined && opts.cursor >= range.gte && opts.cursor < range.lt;
  // The unread part of the range: below the last key read when descending, above it when ascending.
  let lastKey = inRange ? opts.cursor! : null;
  const unread = () =>
    range.ascending
      ? lastKey === null ? { gte: range.gte, lt: range.lt } : { gt: lastKey, lt: range.lt }
      : { gte: range.gte, lt: lastKey ?? range.lt };
  const items: FullTicket[] = [];
  // The first read takes one row more than the page: when no filter rejects a row (most
  // lists) that is the whole cost, the extra row saying whether there is a next page.
  // Later reads, when filters rejected rows, take more at a time.
  let size = opts.limit + 1;
  for (;;) {
    const keys = await db.keys(index, { ...unread(), reverse: !range.ascending, limit: size });
    size = Math.min(size * 2, 1000);
    if (keys.length === 0) return { items, nextCursor: null };
    const numbers = keys.map((k) => k.slice(k.lastIndexOf(':') + 1));
    const wanted = opts.match ? numbers : numbers.slice(0, opts.limit - items.length);
    const tickets = (await db.sub.ticket.getMany(wanted)) as Array<Ticket | undefined>;
    for (let i = 0; i < tickets.length; i++) {
      lastKey = keys[i]!;
      const stored = tickets[i];
      if (!stored) continue;
      const t = fillTicketDefaults(stored);
      if (opts.match && !opts.match(t)) continue;
      items.push(t);
      if (items.length === opts.limit) {
        if (i < keys.length - 1) return { items, nextCursor: lastKey };
        const more = await db.keys(index, { ...unread(), reverse: !range.ascending, limit: 1 });
        return { items, nextCursor: more.length ? lastKey : null };
      }
    }
  }
}

export async function countTickets(db: Db): Promise<number> {
  return (await db.keys(db.sub.tidx, { gte: 'u:', lt: 'u:~' })).length;
}
