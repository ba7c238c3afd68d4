import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { markRead, markUnread, setStarred } from '../../store/marks.js';
import type { TicketUpdate } from '../../desk/lifecycle.js';
import { ApiError } from '../errors.js';
import { requireDesk, ticketFor } from '../guard.js';
// Field changes run the rules "on field change" per ticket, as PATCH does.
import { updateBody, updateThenRunRules as updateTicket } from './ticket-updates.js';
import { purgeFromTrash, setTrashed } from './trash.js';

// Bulk actions on a selection of tickets. Each ticket is checked and changed on its own, with
// the same rules as one by one; the answer says, per ticket, whether it worked and why not.

const ACTIONS = ['read', 'unread', 'star', 'unstar', 'close', 'reopen', 'assign', 'tag', 'untag', 'update', 'trash', 'restore', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

interface BulkBody {
  numbers: number[];
  action: Action;
  assigneeId?: string | null;
  tags?: string[];
  update?: TicketUpdate;
}

export async function bulkRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.post('/tickets/bulk', {
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['numbers', 'action'],
        properties: {
          numbers: { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: { type: 'integer', minimum: 1 } },
          action: { type: 'string', enum: ACTIONS },
          assigneeId: updateBody.properties.assigneeId,
          tags: updateBody.properties.tags,
          update: updateBody,
        },
      },
    },
  }, async (req) => {
    const body = req.body as BulkBody;
    if (body.action === 'assign' && body.assigneeId === undefined) throw new ApiError(400, 'invalid_request', 'assign needs assigneeId (null to unassign).');
    if ((body.action === 'tag' || body.action === 'untag') && !body.tags?.length) throw new ApiError(400, 'invalid_request', `${body.action} needs tags.`);
    // Deleting for good is an admin's: refused as a whole, before any ticket is touched.
    if (body.action === 'delete') requireDesk(req, 'manage-settings');
    if (body.action === 'update' && !body.update) throw new ApiError(400, 'invalid_request', 'update needs an update object, as for PATCH /tickets/:number.');

    const results: Array<{ number: number; ok: boolean; error?: { code: string; message: string } }> = [];
    for (const number of body.numbers) {
      try {
        await apply(number, body);
        results.push({ number, ok: true });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        results.push({ number, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    return { results, done: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length };

    async function apply(number: number, b: BulkBody): Promise<void> {
      switch (b.action) {
        case 'read':
        case 'unread':
        case 'star':
        case 'unstar': {
          const { ticket, user } = await ticketFor(app, req, number, 'view');
          const batch = new Batch();
          if (b.action === 'read') markRead(db, batch, user.id, ticket.number, ticket.updatedAt);
          else if (b.action === 'unread') markUnread(db, batch, user.id, ticket.number);
          else setStarred(db, batch, user.id, ticket.number, b.action === 'star');
          await db.commit(batch, false);
          return;
        }
        case 'close':
        case 'reopen':
          await updateTicket(app, req, number, { status: b.action === 'close' ? 'closed' : 'open' });
          return;
        case 'assign':
          await updateTicket(app, req, number, { assigneeId: b.assigneeId });
          return;
        case 'tag':
        case 'untag':
          await updateTicket(app, req, number, b.action === 'tag' ? { addTags: b.tags } : { removeTags: b.tags });
          return;
        case 'trash':
        case 'restore':
          await setTrashed(app, req, number, b.action === 'trash');
          return;
        case 'delete':
          await purgeFromTrash(app, req, number);
          return;
        case 'update':
          await updateTicket(app, req, number, b.update!);
      }
    }
  });
}
