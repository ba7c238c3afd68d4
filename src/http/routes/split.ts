import type { FastifyInstance } from 'fastify';
import { Batch, pad } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { getSettings } from '../../store/directory.js';
import { getTicketRecord, messagesOf, nextTicketNumber, putMessage, putTicket } from '../../store/tickets.js';
import { unindexMovedMessage } from '../../store/search-index.js';
import { putTimeline } from '../../store/activity.js';
import { splitRefusal, splitSubject, splitTicket } from '../../desk/split.js';
import { withTicketDefaults } from '../../desk/types.js';
import { ApiError, notFound } from '../errors.js';
import { actorOf, ticketFor } from '../guard.js';
import { numberParam } from './ticket-updates.js';
import { ticketDetail } from './tickets.js';

// Split: a customer message moves out of its ticket into a new one (same requester, the
// message's subject). Both timelines say so; list and search indexes follow in the same batch.

export async function splitRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.post('/tickets/:number/messages/:id/split', {
    schema: {
      params: { type: 'object', required: ['number', 'id'], properties: { ...numberParam.properties, id: { type: 'string', pattern: '^[0-9a-z]{20}$' } } },
    },
  }, async (req, reply) => {
    const { number, id } = req.params as { number: number; id: string };
    // Changing a ticket's messages is an update: agents and admins, in departments they see.
    const { ticket: seen } = await ticketFor(app, req, number, 'update');
    const by = actorOf(req);
    const created = await db.serial(async () => {
      const current = (await getTicketRecord(db, seen.number))!;
      const messages = await messagesOf(db, current.number);
      const message = messages.find((m) => m.id === id);
      if (!message) throw notFound(`That message of ticket #${current.number}`);
      const refusal = splitRefusal(current, message, messages.length);
      if (refusal) throw new ApiError(409, refusal.code, refusal.message);

      const settings = await getSettings(db);
      const at = app.deps.now();
      const batch = new Batch();
      const newNumber = await nextTicketNumber(db, batch, settings.firstTicketNumber);
      const remaining = messages.filter((m) => m.id !== id);
      const subject = splitSubject(message.subject || current.subject, settings.subjectTokenFormat, current.number);
      const after = splitTicket(current, message, newNumber, subject, remaining.filter((m) => m.direction === 'in').at(-1), at);

      // The message's record names its new ticket; the old ticket's list loses it, and the
      // words only it held stop finding the old ticket.
      batch.del(db.sub.tmsg, `${pad(current.number, 10)}:${message.id}`);
      putMessage(db, batch, { ...message, ticketNumber: newNumber });
      unindexMovedMessage(db, batch, current, message, remaining);
      putTicket(db, batch, after.original, current);
      putTicket(db, batch, after.created);
      const who = message.from.name || message.from.email;
      putTimeline(db, batch, { id: newId(at), ticketNumber: current.number, at, by, what: 'split', from: current.number, to: newNumber, note: `The message from ${who} of ${new Date(message.date).toISOString()} moved to #${newNumber}.` });
      putTimeline(db, batch, { id: newId(at), ticketNumber: newNumber, at, by, what: 'split', from: current.number, to: newNumber, note: `Split from #${current.number} ${current.subject}` });
      await db.commit(batch);
      return withTicketDefaults(after.created);
    });
    app.deps.live.publish({ type: 'ticket', ticketNumber: seen.number, reason: 'updated' });
    app.deps.live.publish({ type: 'ticket', ticketNumber: created.number, reason: 'split' });
    return reply.status(201).send(await ticketDetail(app, created));
  });
}
