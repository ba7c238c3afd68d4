import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exportTicket, exportTickets } from '../../mbox/export.js';
import { ticketFor, visibleFilter } from '../guard.js';

const numberParams = { type: 'object', properties: { number: { type: 'integer', minimum: 1 } }, required: ['number'] };

/** Streams what write() writes as an mbox download; an error cuts the download short. */
function sendMbox(req: FastifyRequest, reply: FastifyReply, filename: string, write: (out: PassThrough) => Promise<unknown>) {
  const body = new PassThrough();
  write(body).then(
    () => body.end(),
    (err) => {
      req.log.error({ err }, 'export: failed while streaming');
      body.destroy(err as Error);
    },
  );
  // RFC 4155 §5: application/mbox.
  return reply.type('application/mbox').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(body);
}

/** Tickets as mbox (RFC 4155): one ticket, or all the user may see. */
export async function exportRoutes(app: FastifyInstance): Promise<void> {
  app.get('/tickets/:number/export.mbox', { schema: { params: numberParams } }, async (req, reply) => {
    const { number } = req.params as { number: number };
    await ticketFor(app, req, number, 'view');
    return sendMbox(req, reply, `ticket-${number}.mbox`, (out) => exportTicket(app.deps.db, number, out));
  });

  app.get('/export.mbox', async (req, reply) => {
    const visible = await visibleFilter(app, req);
    return sendMbox(req, reply, 'tickets.mbox', (out) => exportTickets(app.deps.db, out, visible));
  });
}
