import type { FastifyInstance } from 'fastify';
import type { Db } from '../../store/db.js';
import { getTicket, ticketIndex, type IndexRange } from '../../store/tickets.js';
import { starredOf } from '../../store/marks.js';
import { draftsOf } from '../../store/drafts.js';
import { getSettings } from '../../store/directory.js';
import type { TicketStatus } from '../../desk/types.js';
import { userOf } from '../guard.js';

// How many tickets each folder of the inbox holds, for its sidebar. Read from the index keys
// alone (no ticket records): the folder's range intersected with the status (and, for agents
// who see only their departments, the department) rows, so the count is what the list shows.

const STATUSES = ['open', 'waiting', 'hold', 'closed'] as const;
/** Later than any real due date, earlier than the index's "no due date" (store/tickets.ts). */
const NO_DUE_BELOW = 99_999_999_999_999;

// The same ranges serve every agent's sidebar, and reading them costs: at 100k tickets the
// open ones alone are 25k keys, about half a second on a small machine. So each range read is
// kept until the ticket index next changes (Db.generation), and concurrent asks share one read.
const kept = new WeakMap<Db, Map<string, { generation: number; value: Promise<unknown> }>>();

function keptRead<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  let cache = kept.get(db);
  if (!cache) kept.set(db, (cache = new Map()));
  // Taken before the read: a write during it leaves the entry already out of date, not wrong.
  const generation = db.generation(db.sub.tidx);
  const hit = cache.get(key);
  if (hit && hit.generation === generation) return hit.value as Promise<T>;
  const value = read();
  cache.set(key, { generation, value });
  value.catch(() => cache.delete(key));
  return value;
}

/** The ticket numbers of one index range (the number ends each key). */
const numbersIn = (db: Db, range: IndexRange) =>
  keptRead(db, `${range.gte}|${range.lt}`, async () => (await db.keys(db.sub.tidx, { gte: range.gte, lt: range.lt })).map((k) => Number(k.slice(k.lastIndexOf(':') + 1))));

/** Tickets due before `now`: read once per index change, since the keys carry the due time. */
async function dueBefore(db: Db, now: number): Promise<number[]> {
  // Only tickets with a due date (the index files the others after every real date).
  const range = ticketIndex.due(NO_DUE_BELOW);
  const rows = await keptRead(db, 'due', async () => (await db.keys(db.sub.tidx, { gte: range.gte, lt: range.lt })).map((k) => k.split(':').slice(1).map(Number) as [number, number]));
  return rows.filter(([due]) => due < now).map(([, n]) => n);
}

export async function ticketCountRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/tickets/counts', {
    schema: {
      description: 'Tickets per inbox folder (of one status when given) that the user may see, and their drafts.',
      querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: STATUSES } } },
    },
  }, async (req) => {
    const me = userOf(req);
    const { status } = req.query as { status?: TicketStatus };
    const settings = await getSettings(db);
    const seesAll = me.role === 'admin' || settings.agentVisibility === 'all';
    const ranges = seesAll
      ? [status ? ticketIndex.status(status) : ticketIndex.updated()]
      : me.departments.map((d) => ticketIndex.department(d, status));
    // Every ticket the folders may count: listed (not trashed, not merged), visible, of the status.
    const listed = new Set((await Promise.all(ranges.map((r) => numbersIn(db, r)))).flat());
    const closed = status ? null : new Set(await numbersIn(db, ticketIndex.status('closed')));
    const now = app.deps.now();
    const [mine, unassigned, high, overdue, starred, trashed, drafts] = await Promise.all([
      numbersIn(db, ticketIndex.assignee(me.id)),
      numbersIn(db, ticketIndex.assignee(null)),
      numbersIn(db, ticketIndex.priority(2)),
      // A closed ticket is never overdue (see the "overdue" view in tickets.ts).
      status === 'closed' ? [] : dueBefore(db, now),
      starredOf(db, me.id),
      numbersIn(db, ticketIndex.trash()),
      draftsOf(db, me.id),
    ]);
    const count = (numbers: number[]) => numbers.filter((n) => listed.has(n)).length;
    // Trashed tickets have only their Trash row: their department is on the record.
    const trash = seesAll ? trashed.length : (await Promise.all(trashed.map((n) => getTicket(db, n)))).filter((t) => t && me.departments.includes(t.departmentId)).length;
    return {
      status: status ?? null,
      counts: {
        all: listed.size,
        mine: count(mine),
        unassigned: count(unassigned),
        starred: count(starred),
        overdue: count(overdue.filter((n) => !closed?.has(n))),
        'high-priority': count(high),
        drafts: drafts.length,
        trash,
      },
    };
  });
}
