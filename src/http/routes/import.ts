import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { importMessage, messagesOf } from '../../mbox/import.js';
import { requireDesk } from '../guard.js';
import type { OpsDeps } from './ops.js';

/**
 * POST /import: an mbox (Content-Type application/mbox) or one message (message/rfc822)
 * in the body, read as it arrives; every message goes through spool and ingest like live
 * mail, without acknowledgements. Admins only: imported mail lands in every department.
 * Answers when all of it is ticketed.
 */
export async function importRoutes(app: FastifyInstance, deps: OpsDeps): Promise<void> {
  app.addContentTypeParser(['application/mbox', 'message/rfc822'], (_req, payload, done) => done(null, payload));

  app.post('/import', async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/mbox' && type !== 'message/rfc822') {
      return reply.status(415).send({ error: { code: 'unsupported_media_type', message: 'Send an mbox as application/mbox, or one message as message/rfc822.' } });
    }
    let messages = 0;
    try {
      for await (const m of messagesOf(req.body as Readable, type === 'application/mbox')) {
        await importMessage(app.deps.db, deps.ingestor, m, app.deps.now());
        messages++;
      }
    } catch (err) {
      if (/not an mbox/.test((err as Error).message)) return reply.status(400).send({ error: { code: 'invalid_mbox', message: (err as Error).message } });
      throw err;
    }
    await deps.ingestor.idle();
    req.log.info({ messages, user: req.user!.id }, 'import: done');
    return { messages };
  });
}
