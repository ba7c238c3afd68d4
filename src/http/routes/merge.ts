import type { FastifyInstance } from 'fastify';
import { Batch, pad } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { getTicketRecord, messagesOf, putMessage, putTicket } from '../../store/tickets.js';
import { moveSent } from '../../store/sent.js';
import { listUsers } from '../../store/directory.js';
import { commentsOf, putComment, putTask, putTimeline, tasksOf } from '../../store/activity.js';
import { mergeRefusal, mergeTickets } from '../../desk/merge.js';
import { ApiError } from '../errors.js';
import { actorOf, ticketFor } from '../guard.js';
import { numberParam } from './ticket-updates.js';
import { ticketDetail } from './tickets.js';

export async function mergeRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  /** Merges ticket :number into `into`. Both must be tickets the user may change. */
  app.post('/tickets/:number/merge', {
    schema: {
      params: numberParam,
      body: { type: 'object', additionalProperties: false, required: ['into'], properties: { into: { type: 'integer', minimum: 1 } } },
    },
  }, async (req) => {
    const { number } = req.params as { number: number };
    const { into } = req.body as { into: number };
    await ticketFor(app, req, number, 'update');
    await ticketFor(app, req, into, 'update');
    const by = actorOf(req);
    const merged = await db.serial(async () => {
      const source = (await getTicketRecord(db, number))!;
      const target = (await getTicketRecord(db, into))!;
      const refusal = mergeRefusal(source, target) ?? (target.mergedInto !== undefined ? { code: 'already_merged', message: `Ticket #${into} was merged into #${target.mergedInto}; merge into that one.` } : null);
      if (refusal) throw new ApiError(409, refusal.code, refusal.message);
      const at = app.deps.now();
      const after = mergeTickets(source, target, at);
      const batch = new Batch();
      // Messages move: each record names its new ticket, and the ticket's message list gains it.
      for (const m of await messagesOf(db, number)) {
        batch.del(db.sub.tmsg, `${pad(number, 10)}:${m.id}`);
        putMessage(db, batch, { ...m, ticketNumber: into });
      }
      for (const c of await commentsOf(db, number)) {
        batch.del(db.sub.comment, `${pad(number, 10)}:${c.id}`);
        putComment(db, batch, { ...c, ticketNumber: into });
      }
      if (source.assigneeId) {
        for (const t of await tasksOf(db, source.assigneeId)) if (t.ticketNumber === number && t.doneAt === null) putTask(db, batch, { ...t, doneAt: at });
      }
      await moveSent(db, batch, (await listUsers(db)).map((u) => u.id), number, into);
      putTicket(db, batch, after.target, target);
      putTicket(db, batch, after.source, source);
      putTimeline(db, batch, { id: newId(at), ticketNumber: into, at, by, what: 'merged', from: number, to: into, note: `#${number} ${source.subject}` });
      putTimeline(db, batch, { id: newId(at), ticketNumber: number, at, by, what: 'merged', from: number, to: into });
      await db.commit(batch);
      return after.target;
    });
    return ticketDetail(app, merged);
  });
}
