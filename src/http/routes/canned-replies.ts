import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { cannedReplies, putCannedReplies, type CannedReply } from '../../store/canned-replies.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk } from '../guard.js';
import { audit } from './audit.js';

// Everyone who writes in the panel reads the canned replies; admins write them. (The system
// mails — acknowledgement, closing… — are /templates, a different thing.)

const MAX_REPLIES = 500;

export async function cannedReplyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/canned-replies', { schema: { description: 'The canned replies, by name (everyone).' } }, async () => ({
    items: (await cannedReplies(db)).sort((a, b) => a.name.localeCompare(b.name)),
  }));

  app.post('/canned-replies', {
    schema: {
      description: 'Adds a canned reply (admins).',
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'text'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' }, text: { type: 'string', minLength: 1, maxLength: 20_000 } },
      },
    },
  }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const { name, text } = req.body as { name: string; text: string };
    const created: CannedReply = { id: newId(app.deps.now()), name: name.trim(), text, createdAt: app.deps.now() };
    await db.serial(async () => {
      const list = await cannedReplies(db);
      if (list.some((c) => c.name.toLowerCase() === created.name.toLowerCase())) throw new ApiError(409, 'name_taken', `A canned reply named "${created.name}" exists already.`);
      if (list.length >= MAX_REPLIES) throw new ApiError(409, 'too_many', `At most ${MAX_REPLIES} canned replies; remove one first.`);
      const batch = new Batch();
      putCannedReplies(db, batch, [...list, created]);
      audit(app, req, batch, 'canned-reply.create', created.id, { name: created.name });
      await db.commit(batch);
    });
    return reply.status(201).send(created);
  });

  app.delete('/canned-replies/:id', {
    schema: { description: 'Removes a canned reply (admins).', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } } } },
  }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const { id } = req.params as { id: string };
    await db.serial(async () => {
      const list = await cannedReplies(db);
      if (!list.some((c) => c.id === id)) throw notFound('That canned reply');
      const batch = new Batch();
      putCannedReplies(db, batch, list.filter((c) => c.id !== id));
      audit(app, req, batch, 'canned-reply.delete', id);
      await db.commit(batch);
    });
    return reply.status(204).send();
  });
}
