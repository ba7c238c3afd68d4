import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { writeBackup } from '../../backup/write.js';
import { requireDesk } from '../guard.js';
import type { OpsDeps } from './ops.js';

/** The version written into a backup's header (what made it). */
export const APP_VERSION = process.env.npm_package_version ?? 'unknown';

/**
 * GET /backup: a consistent snapshot of the running store (see src/backup/write.ts),
 * streamed as it is read, for admins only: it holds every mail and the secret key.
 */
export async function backupRoutes(app: FastifyInstance, deps: OpsDeps): Promise<void> {
  app.get('/backup', async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const body = new PassThrough();
    const stamp = new Date(app.deps.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    writeBackup(app.deps.db, deps.dataDir, body, { hostname: deps.hostname, version: APP_VERSION }).then(
      (s) => req.log.info({ entries: s.entries, bytes: s.bytes, user: req.user!.id }, 'backup: downloaded'),
      (err) => {
        // Headers are gone already: cut the stream, so the client sees a truncated file, which verify refuses.
        req.log.error({ err }, 'backup: failed while streaming');
        body.destroy(err as Error);
      },
    );
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="mxdesk-${stamp}.mxb"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
