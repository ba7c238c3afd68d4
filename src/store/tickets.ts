import { Batch, pad, type Db } from './db.js';
import type { Message, Ticket, TicketStatus } from '../desk/types.js';

// Tickets, their messages and the indexes that list and thread them.

const indexKeys = (t: Ticket) => [
  `u:${pad(t.updatedAt)}:${pad(t.number, 10)}`,
  `s:${t.status}:${pad(t.updatedAt)}:${pad(t.number, 10)}`,
];

export function putTicket(db: Db, batch: Batch, ticket: Ticket, previous?: Ticket): void {
  if (previous) for (const k of indexKeys(previous)) batch.del(db.sub.tidx, k);
  batch.put(db.sub.ticket, pad(ticket.number, 10), ticket);
  for (const k of indexKeys(ticket)) batch.put(db.sub.tidx, k, '');
}

export function getTicket(db: Db, number: number): Promise<Ticket | undefined> {
  return db.get<Ticket>(db.sub.ticket, pad(number, 10));
}

export function putMessage(db: Db, batch: Batch, message: Message): void {
  batch.put(db.sub.msg, message.id, message);
  batch.put(db.sub.tmsg, `${pad(message.ticketNumber, 10)}:${message.id}`, '');
  if (message.messageId) batch.put(db.sub.mid, normaliseMessageId(message.messageId), message.id);
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
  items: Ticket[];
  nextCursor: string | null;
}

/**
 * Tickets by last update, newest first, optionally of one status. The cursor is the index
 * key of the last row returned, so pages stay stable while new mail arrives.
 */
export async function listTickets(
  db: Db,
  opts: { status?: TicketStatus; limit: number; cursor?: string; match?: (t: Ticket) => boolean },
): Promise<TicketPage> {
  const prefix = opts.status ? `s:${opts.status}:` : 'u:';
  const items: Ticket[] = [];
  let upper = opts.cursor && opts.cursor.startsWith(prefix) ? opts.cursor : prefix + '~';
  let lastKey: string | null = null;
  // Read the index in chunks; with a `match` filter some rows are skipped.
  for (;;) {
    const keys = await db.keys(db.sub.tidx, { gte: prefix, lt: upper, reverse: true, limit: Math.max(opts.limit * 2, 50) });
    if (keys.length === 0) return { items, nextCursor: null };
    const numbers = keys.map((k) => k.slice(k.lastIndexOf(':') + 1));
    const tickets = (await db.sub.ticket.getMany(numbers)) as Array<Ticket | undefined>;
    for (let i = 0; i < keys.length; i++) {
      const t = tickets[i];
      lastKey = keys[i]!;
      if (!t || (opts.match && !opts.match(t))) continue;
      items.push(t);
      if (items.length === opts.limit) {
        const more = await db.keys(db.sub.tidx, { gte: prefix, lt: lastKey, reverse: true, limit: 1 });
        return { items, nextCursor: more.length ? lastKey : null };
      }
    }
    upper = lastKey!;
  }
}

export async function countTickets(db: Db): Promise<number> {
  return (await db.keys(db.sub.tidx, { gte: 'u:', lt: 'u:~' })).length;
}
