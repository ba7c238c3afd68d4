import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { getTicketRecord, putTicket } from '../../store/tickets.js';
import { putTimeline } from '../../store/activity.js';
import { purgeTicket } from '../../store/purge.js';
import { ApiError } from '../errors.js';
import { actorOf, requireDesk, ticketFor } from '../guard.js';
import { audit } from './audit.js';
import { numberParam } from './ticket-updates.js';

// The Trash: agents move tickets there and back; only admins delete for good (the purge
// job empties it after TRASH_DAYS).

/** Moves a ticket to the Trash (deleted = true) or back; the same rules as changing it. */
export async function setTrashed(app: FastifyInstance, req: FastifyRequest, number: number, deleted: boolean): Promise<void> {
  const { db } = app.deps;
  const { ticket } = await ticketFor(app, req, number, 'update');
  await db.serial(async () => {
    const current = (await getTicketRecord(db, ticket.number))!;
    if ((current.deletedAt !== null) === deleted) return;
    const at = app.deps.now();
    const batch = new Batch();
    putTicket(db, batch, { ...current, deletedAt: deleted ? at : null, updatedAt: at }, current);
    putTimeline(db, batch, { id: newId(at), ticketNumber: ticket.number, at, by: actorOf(req), what: deleted ? 'trashed' : 'restored' });
    await db.commit(batch);
  });
}

/**
 * Deletes a ticket in the Trash for good, with an audit line. The caller has checked that
 * the user is an admin; tickets outside the Trash are refused (the Trash is the undo).
 */
export async function purgeFromTrash(app: FastifyInstance, req: FastifyRequest, number: number): Promise<void> {
  const { db } = app.deps;
  const { ticket } = await ticketFor(app, req, number, 'view');
  if (ticket.number !== number || ticket.deletedAt === null) {
    throw new ApiError(409, 'not_in_trash', `Ticket #${number} is not in the Trash; move it there first.`);
  }
  await db.serial(() => purgeTicket(db, ticket));
  const batch = new Batch();
  audit(app, req, batch, 'ticket.purge', String(number), { subject: ticket.subject });
  await db.commit(batch);
}

export async function trashRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.post('/tickets/:number/trash', { schema: { params: numberParam } }, async (req) => {
    await setTrashed(app, req, (req.params as { number: number }).number, true);
    return { ok: true };
  });

  app.post('/tickets/:number/restore', { schema: { params: numberParam } }, async (req) => {
    await setTrashed(app, req, (req.params as { number: number }).number, false);
    return { ok: true };
  });

  app.delete('/tickets/:number', { schema: { params: numberParam } }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    await purgeFromTrash(app, req, (req.params as { number: number }).number);
    return reply.status(204).send();
  });
}
