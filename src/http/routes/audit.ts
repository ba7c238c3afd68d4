import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { listAudit, putAudit } from '../../store/activity.js';
import { actorOf, requireDesk } from '../guard.js';

// The audit log: every admin action (users, departments, settings, tokens), who and when,
// written in the same batch as the change itself, so a change is never unlogged.

export function audit(app: FastifyInstance, req: FastifyRequest, batch: Batch, action: string, target: string, detail?: Record<string, unknown>): void {
  const at = app.deps.now();
  putAudit(app.deps.db, batch, { id: newId(at), at, actor: actorOf(req), action, target, ...(detail ? { detail } : {}) });
}

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get('/audit', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, before: { type: 'string', pattern: '^[0-9a-z]{20}$' } },
      },
    },
  }, async (req) => {
    requireDesk(req, 'read-audit');
    const { limit, before } = req.query as { limit: number; before?: string };
    const items = await listAudit(app.deps.db, { limit, before });
    return { items, nextBefore: items.length === limit ? items[items.length - 1]!.id : null };
  });
}
