import type { FastifyInstance } from 'fastify';
import { getSettings } from '../../store/directory.js';
import { messageFor, userOf } from '../guard.js';
import { notFound } from '../errors.js';
import { contentDisposition, sendAttachment } from '../attachment-download.js';

export async function messageRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } }, required: ['id'] };

  app.get('/messages/:id/raw', { schema: { params: idParam } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    await messageFor(app, req, id);
    const raw = await db.getBuffer(db.sub.raw, id);
    if (!raw) throw notFound('That message');
    return reply
      .type('message/rfc822')
      .header('Content-Disposition', contentDisposition('attachment', `${id}.eml`))
      .send(raw);
  });

  app.get('/attachments/:id', { schema: { params: idParam } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const messageId = await db.get<string>(db.sub.attof, id);
    if (messageId) await messageFor(app, req, messageId).catch(() => Promise.reject(notFound('That attachment')));
    // Attachments stored before attof existed: only who sees every ticket may read them.
    else if (userOf(req).role !== 'admin' && (await getSettings(db)).agentVisibility !== 'all') throw notFound('That attachment');
    if (!(await sendAttachment(db, reply, id))) throw notFound('That attachment');
    return reply;
  });

  app.get('/messages/:id', { schema: { params: idParam } }, async (req) => {
    const { id } = req.params as { id: string };
    return messageFor(app, req, id);
  });
}
