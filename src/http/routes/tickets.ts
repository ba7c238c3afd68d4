import type { FastifyInstance } from 'fastify';
import { effectiveDue, getTicket, listTickets, messagesOf, ticketIndex, type IndexRange, type TicketPage } from '../../store/tickets.js';
import { markRead, marksOf, starredOf, type Marks } from '../../store/marks.js';
import { listTicketsMerged } from '../../store/merged-lists.js';
import { searchTickets } from '../../store/search-index.js';
import { Batch } from '../../store/db.js';
import { getContact, listDepartments, listUsers } from '../../store/directory.js';
import { getAccount } from '../../store/accounts.js';
import { PRIORITIES, type Account, type Department, type FullTicket, type Message, type Priority, type TicketStatus, type User } from '../../desk/types.js';
import { ApiError } from '../errors.js';
import { ticketFor, userOf, visibleFilter } from '../guard.js';
import { outboundOf } from '../../store/outbound.js';
import { deliveryView, type OutboundItem } from '../../outbound/item.js';
import { slaStateOf } from '../../store/sla.js';
import { sentNumbers, sentRange } from '../../store/sent.js';
import type { SlaState } from '../../desk/sla.js';

const STATUSES = ['open', 'waiting', 'hold', 'closed'];
/** Views by status read like ?status= (open, waiting, hold, closed). */
const STATUS_VIEWS = ['open', 'waiting', 'hold', 'closed'] as const;
const VIEWS = ['all', 'mine', 'unassigned', 'overdue', 'high-priority', 'starred', 'trash', 'escalated', 'sent', ...STATUS_VIEWS] as const;
const SORTS = ['updated', 'created', 'priority', 'due'] as const;

interface ListQuery {
  status?: TicketStatus;
  view: (typeof VIEWS)[number];
  department?: string;
  alias?: string;
  tag?: string;
  priority?: Priority;
  assignee?: string;
  sort: (typeof SORTS)[number];
  q?: string;
  limit: number;
  cursor?: string;
}

export async function ticketRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/tickets', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: STATUSES },
          view: { type: 'string', enum: VIEWS, default: 'all' },
          department: { type: 'string', maxLength: 40 },
          alias: { type: 'string', maxLength: 320 },
          tag: { type: 'string', maxLength: 50 },
          priority: { type: 'string', enum: PRIORITIES },
          assignee: { type: 'string', maxLength: 40 },
          sort: { type: 'string', enum: SORTS, default: 'updated' },
          q: { type: 'string', maxLength: 200 },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', maxLength: 200 },
        },
      },
    },
  }, async (req) => {
    const query = req.query as ListQuery;
    if ((STATUS_VIEWS as readonly string[]).includes(query.view)) {
      // view=waiting is status=waiting; with a different status nothing can match.
      if (query.status && query.status !== query.view) return { items: [], nextCursor: null };
      query.status = query.view as TicketStatus;
      query.view = 'all';
    }
    const visible = await visibleFilter(app, req);
    const filters = rowFilters(query, userOf(req), app.deps.now());
    if (visible) filters.push(visible);
    const match = (t: FullTicket) => filters.every((f) => f(t));
    const page = await pageFor(app, query, userOf(req), visible ? userOf(req).departments : null, match);
    const [depts, users, marks] = await Promise.all([departmentsById(app), usersById(app), marksOf(db, userOf(req).id, page.items.map((t) => t.number))]);
    return { items: page.items.map((t) => ({ ...ticketSummary(t, depts, users, app.deps.now()), ...markView(t, marks) })), nextCursor: page.nextCursor };
  });

  app.get('/tickets/:number', {
    schema: { params: { type: 'object', properties: { number: { type: 'integer', minimum: 1 } }, required: ['number'] } },
  }, async (req) => {
    const { number } = req.params as { number: number };
    const { ticket, user } = await ticketFor(app, req, number, 'view');
    // Opening a ticket reads it.
    await db.commit(markReadBatch(app, user.id, ticket), false);
    return { ...(await ticketDetail(app, ticket)), unread: false, starred: (await marksOf(db, user.id, [number])).starred.has(number) };
  });
}

/**
 * Reads one page of a list. `departments` is null when the user sees every department,
 * else the ones they see: one department reads its own index; several, when the list is by
 * status or update, read their department indexes side by side (listTicketsMerged).
 */
async function pageFor(app: FastifyInstance, q: ListQuery, me: User, departments: string[] | null, match: (t: FullTicket) => boolean): Promise<TicketPage> {
  const { db } = app.deps;
  const now = app.deps.now();
  if (q.q?.trim()) {
    if (app.deps.searchRebuilding?.()) {
      throw new ApiError(503, 'search_rebuilding', 'Search is being rebuilt after an upgrade and will be back in a few minutes; lists and filters work meanwhile.');
    }
    // Search reads the full-text index; views and filters check its rows like any other range.
    const folder = q.view === 'starred' ? new Set(await starredOf(db, me.id)) : q.view === 'sent' ? await sentNumbers(db, me.id) : null;
    const inView = folder ? (t: FullTicket) => folder.has(t.number) && match(t) : match;
    return searchTickets(db, { text: q.q, limit: q.limit, cursor: q.cursor, match: inView });
  }
  if (q.view === 'starred') return starredPage(app, me.id, q.limit, match);
  if (departments && departments.length === 0) return { items: [], nextCursor: null };
  const plain = q.sort === 'updated' && q.view === 'all' && !q.assignee && !q.tag && !q.alias && !q.department;
  if (departments && departments.length > 1 && plain) {
    return listTicketsMerged(db, { ranges: departments.map((d) => ticketIndex.department(d, q.status)), limit: q.limit, cursor: q.cursor, match });
  }
  const range = indexFor(q, me, now, departments?.length === 1 ? departments[0] : undefined);
  return listTickets(db, { range, limit: q.limit, cursor: q.cursor, match });
}

/**
 * The one index range a list reads: the sort order when it is not "updated", else the most
 * selective filter given (assignee, due date, priority, tag, department (with status), alias,
 * status). Measured at 100k tickets (bench/ticket-views.ts): a first page reads in 2-16 ms
 * this way; a filter no index helps with that matches nothing reads its whole range
 * (1.3 s over 25k open tickets), which is why visibility uses the department index too.
 * The other filters are checked row by row on what that range yields.
 */
function indexFor(q: ListQuery, me: User, now: number, onlyDepartment?: string): IndexRange {
  // Trashed tickets have no other index rows: the Trash is its own range whatever the sort.
  if (q.view === 'trash') return ticketIndex.trash();
  // Folders with their own order: the Sent folder by the caller's last send.
  if (q.view === 'sent') return sentRange(me.id);
  if (q.view === 'escalated' && q.sort === 'updated') return ticketIndex.escalated();
  if (q.sort === 'created') return ticketIndex.created();
  if (q.sort === 'priority') return ticketIndex.priority(q.view === 'high-priority' ? 2 : 0);
  if (q.sort === 'due') return ticketIndex.due(q.view === 'overdue' ? now : undefined);
  if (q.view === 'mine') return ticketIndex.assignee(me.id);
  if (q.view === 'unassigned') return ticketIndex.assignee(null);
  if (q.view === 'overdue') return ticketIndex.due(now);
  if (q.view === 'high-priority') return ticketIndex.priority(2);
  if (q.assignee) return ticketIndex.assignee(q.assignee === 'none' ? null : q.assignee);
  if (q.tag) return ticketIndex.tag(q.tag.toLowerCase());
  const department = q.department ?? onlyDepartment;
  if (department) return ticketIndex.department(department, q.status);
  if (q.alias) return ticketIndex.alias(q.alias);
  if (q.status) return ticketIndex.status(q.status);
  return ticketIndex.updated();
}

function rowFilters(q: ListQuery, me: User, now: number): Array<(t: FullTicket) => boolean> {
  const f: Array<(t: FullTicket) => boolean> = [];
  f.push(q.view === 'trash' ? (t) => t.deletedAt !== null : (t) => t.deletedAt === null);
  if (q.status) f.push((t) => t.status === q.status);
  if (q.view === 'mine') f.push((t) => t.assigneeId === me.id);
  if (q.view === 'unassigned') f.push((t) => t.assigneeId === null);
  // Overdue: past the agent-set due date or an SLA deadline (kept by the SLA job).
  if (q.view === 'overdue') f.push((t) => (effectiveDue(t) ?? Infinity) < now && t.status !== 'closed');
  if (q.view === 'high-priority') f.push((t) => t.priority === 'high' || t.priority === 'urgent');
  // Escalated: an SLA escalation ran on the ticket (src/jobs/sla.ts keeps sla.escalated).
  if (q.view === 'escalated') f.push((t) => (t.sla?.escalated?.length ?? 0) > 0);
  if (q.assignee) f.push((t) => t.assigneeId === (q.assignee === 'none' ? null : q.assignee));
  if (q.tag) f.push((t) => t.tags.includes(q.tag!.toLowerCase()));
  if (q.department) f.push((t) => t.departmentId === q.department);
  if (q.alias) f.push((t) => t.alias.toLowerCase() === q.alias!.toLowerCase());
  if (q.priority) f.push((t) => t.priority === q.priority);
  return f;
}

function markReadBatch(app: FastifyInstance, userId: string, t: FullTicket): Batch {
  const batch = new Batch();
  markRead(app.deps.db, batch, userId, t.number, t.updatedAt);
  return batch;
}

export function markView(t: FullTicket, marks: Marks) {
  const seen = marks.seen.get(t.number);
  return { unread: seen === undefined || seen < t.updatedAt, starred: marks.starred.has(t.number) };
}

/** The Starred folder: a user stars tens of tickets, not thousands, so one read, sorted by update. */
async function starredPage(app: FastifyInstance, userId: string, limit: number, match: (t: FullTicket) => boolean): Promise<TicketPage> {
  const tickets = await Promise.all((await starredOf(app.deps.db, userId)).map((n) => getTicket(app.deps.db, n)));
  const items = tickets.filter((t): t is FullTicket => !!t && match(t)).sort((a, b) => b.updatedAt - a.updatedAt);
  return { items: items.slice(0, limit), nextCursor: null };
}

const departmentsById = async (app: FastifyInstance) => new Map((await listDepartments(app.deps.db)).map((d) => [d.id, d] as const));
const usersById = async (app: FastifyInstance) => new Map((await listUsers(app.deps.db)).map((u) => [u.id, u] as const));

export async function ticketDetail(app: FastifyInstance, ticket: FullTicket) {
  const [messages, depts, users, account] = await Promise.all([messagesOf(app.deps.db, ticket.number), departmentsById(app), usersById(app), accountOfTicket(app, ticket)]);
  const deliveries = await outboundOf(app.deps.db, messages.filter((m) => m.direction === 'out').map((m) => m.id));
  return {
    ...ticketSummary(ticket, depts, users, app.deps.now()),
    participants: ticket.participants,
    linkedTickets: ticket.linkedTickets,
    customFields: ticket.customFields,
    links: ticket.links,
    closedAt: ticket.closedAt ?? null,
    ...slaView(await slaStateOf(app.deps.db, ticket, app.deps.now(), messages)),
    rating: ticket.rating ?? null,
    contactId: ticket.contactId || null,
    /** The requester's company (GET /accounts/:id), when their contact has one. */
    account: account ? { id: account.id, name: account.name, keyAccount: account.keyAccount } : null,
    messages: messages.map((m) => messageView(m, deliveries.get(m.id))),
  };
}

async function accountOfTicket(app: FastifyInstance, t: FullTicket): Promise<Account | undefined> {
  const contact = t.contactId ? await getContact(app.deps.db, t.contactId) : undefined;
  return contact?.accountId ? getAccount(app.deps.db, contact.accountId) : undefined;
}

export function ticketSummary(t: FullTicket, depts: Map<string, Department>, users: Map<string, User>, now: number) {
  const d = depts.get(t.departmentId);
  const a = t.assigneeId ? users.get(t.assigneeId) : undefined;
  return {
    number: t.number,
    subject: t.subject,
    status: t.status,
    requester: { email: t.requester.email, name: t.requester.name },
    department: d ? { id: d.id, name: d.name } : { id: t.departmentId, name: '' },
    alias: t.alias,
    /** 'web-form': opened on the help centre's form; else by mail. */
    source: t.source ?? 'mail',
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    messageCount: t.messageCount,
    flags: t.flags,
    priority: t.priority,
    severity: t.severity,
    dueAt: t.dueAt,
    overdue: t.status !== 'closed' && (effectiveDue(t) ?? Infinity) < now,
    tags: t.tags,
    /** SLA escalations that ran on the ticket, e.g. "resolution@0.75" (the Escalated view). */
    escalations: t.sla?.escalated ?? [],
    deletedAt: t.deletedAt,
    assignee: t.assigneeId ? { id: t.assigneeId, name: a?.name ?? '' } : null,
  };
}

/** The SLA part of a ticket's detail: due times, whether they are met or breached, paused. */
function slaView(s: SlaState | null) {
  return {
    sla: s ? { policyId: s.policyId, paused: s.paused, firstResponse: s.firstResponse, resolution: s.resolution } : null,
    firstResponseDueAt: s?.firstResponse?.dueAt ?? null,
    resolutionDueAt: s?.resolution?.dueAt ?? null,
    firstResponseBreached: s?.firstResponse?.breached ?? false,
    resolutionBreached: s?.resolution?.breached ?? false,
  };
}

export function messageView(m: Message, delivery?: OutboundItem) {
  return {
    id: m.id,
    direction: m.direction,
    messageId: m.messageId,
    from: m.from,
    to: m.to,
    cc: m.cc,
    ...(m.author ? { author: m.author } : {}),
    subject: m.subject,
    date: m.date,
    receivedAt: m.receivedAt,
    text: m.text,
    html: m.html,
    attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, cid: a.cid })),
    verdict: m.verdict,
    envelope: m.envelope,
    flags: m.flags,
    ...(delivery ? { delivery: deliveryView(delivery) } : {}),
  };
}

export { ApiError };
