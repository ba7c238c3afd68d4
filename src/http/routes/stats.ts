import type { FastifyInstance } from 'fastify';
import { effectiveDue, listTickets, messagesOf, ticketIndex } from '../../store/tickets.js';
import { firstResponseAt, policyFor } from '../../desk/sla.js';
import { listSlaPolicies } from '../../store/sla.js';
import { computeStats, statsCsv, type StatsRow } from '../../desk/stats.js';
import type { FullTicket } from '../../desk/types.js';
import { ApiError } from '../errors.js';
import { userOf, visibleFilter } from '../guard.js';

// GET /stats (issue 5): the figures of the tickets created in a period, as JSON or CSV.
// Every user sees the figures of the tickets they may see.

const DAY = 86_400_000;
/** A period longer than this is refused: the route reads every ticket in it. */
const MAX_DAYS = 366;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/stats', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { from: date, to: date, department: { type: 'string', maxLength: 40 }, agent: { type: 'string', maxLength: 40 }, format: { type: 'string', enum: ['json', 'csv'], default: 'json' } },
      },
    },
  }, async (req, reply) => {
    userOf(req);
    const q = req.query as { from?: string; to?: string; department?: string; agent?: string; format: 'json' | 'csv' };
    const now = app.deps.now();
    // Days are UTC days; `to` is inclusive. Default: the last 30 days, today included.
    const to = q.to ? Date.parse(q.to) + DAY : Math.floor(now / DAY) * DAY + DAY;
    const from = q.from ? Date.parse(q.from) : to - 30 * DAY;
    if (Number.isNaN(from) || Number.isNaN(to) || from >= to) throw new ApiError(400, 'invalid_period', 'Give from and to as YYYY-MM-DD, from not after to.');
    if (to - from > MAX_DAYS * DAY) throw new ApiError(400, 'invalid_period', `A period covers at most ${MAX_DAYS} days.`);

    const visible = await visibleFilter(app, req);
    const match = (t: FullTicket) =>
      t.deletedAt === null && (!q.department || t.departmentId === q.department) && (!q.agent || t.assigneeId === (q.agent === 'none' ? null : q.agent)) && (!visible || visible(t));
    // A department's business hours are those of the SLA policy that covers it.
    const policies = await listSlaPolicies(db);
    const rows: StatsRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTickets(db, { range: ticketIndex.createdBetween(from, to), limit: 200, cursor, match });
      for (const t of page.items) rows.push({ ticket: t, respondedAt: firstResponseAt(await messagesOf(db, t.number)), dueAt: effectiveDue(t), calendar: policyFor(policies, t.departmentId)?.calendar ?? null });
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    const stats = computeStats(rows, from, to, now);
    if (q.format === 'csv') {
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="stats-${q.from ?? 'last-30-days'}.csv"`).send(statsCsv(stats));
    }
    return stats;
  });
}
