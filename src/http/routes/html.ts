import type { FastifyInstance } from 'fastify';
import { getMessage } from '../../store/tickets.js';
import { notFound } from '../errors.js';
import { mailFrameCsp, sanitiseMailHtml, type InlineImage } from '../mail-html.js';

/**
 * GET /messages/:id/html: the message's HTML part, sanitised here on the server and served
 * as its own document for the panel's sandboxed <iframe>. Remote images stay out unless
 * ?images=1 (they tell the sender when and where the mail was read).
 */
export async function htmlRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/messages/:id/html', {
    schema: {
      params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } }, required: ['id'] },
      querystring: { type: 'object', additionalProperties: false, properties: { images: { type: 'string', enum: ['0', '1'] } } },
    },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const images = (req.query as { images?: string }).images === '1';
    const message = await getMessage(db, id);
    if (!message) throw notFound('That message');
    if (message.html === null) throw notFound('An HTML part of that message');

    const inline: InlineImage[] = [];
    for (const a of message.attachments) {
      if (!a.cid) continue;
      const content = await db.getBuffer(db.sub.att, a.id);
      if (content) inline.push({ cid: a.cid, contentType: a.contentType, content });
    }
    const { html } = sanitiseMailHtml(message.html, { images, inline });
    return reply
      .type('text/html; charset=utf-8')
      .header('Content-Security-Policy', mailFrameCsp(images))
      // Framed by the panel only: the server-wide default is DENY.
      .header('X-Frame-Options', 'SAMEORIGIN')
      .header('Cache-Control', 'private, no-store')
      .send(html);
  });
}
