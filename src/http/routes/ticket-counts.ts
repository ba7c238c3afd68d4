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

async function numbersIn(db: Db, range: IndexRange): Promise<number[]> {
  const keys = await db.keys(db.sub.tidx, { gte: range.gte, lt: range.lt });
  return keys.map((k) => Number(k.slice(k.lastIndexOf(':') + 1)));
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
      status === 'closed' ? [] : numbersIn(db, ticketIndex.due(now)),
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
