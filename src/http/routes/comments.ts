import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { listUsers, getSettings } from '../../store/directory.js';
import { getTicket, putTicket } from '../../store/tickets.js';
import { commentsOf, putComment, putTimeline } from '../../store/activity.js';
import { notifyAgents } from '../../automation/notify-agents.js';
import { mentionedUsers } from '../../desk/lifecycle.js';
import { markRead } from '../../store/marks.js';
import { canSeeTicket } from '../../desk/access.js';
import { actorOf, ticketFor } from '../guard.js';
import { numberParam } from './ticket-updates.js';

// Internal comments: notes between agents beside the public replies. They are never sent to
// the customer (nothing here touches the outbound queue); @name notifies that agent.

export async function commentRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.post('/tickets/:number/comments', {
    schema: {
      params: numberParam,
      body: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 20_000 } } },
    },
  }, async (req, reply) => {
    const { text } = req.body as { text: string };
    // A merged number reads as the ticket it went into: the comment goes there.
    const { number } = (await ticketFor(app, req, (req.params as { number: number }).number, 'comment')).ticket;
    const by = actorOf(req);
    const [users, settings] = await Promise.all([listUsers(db), getSettings(db)]);
    const comment = await db.serial(async () => {
      const ticket = (await getTicket(db, number))!;
      const at = app.deps.now();
      // Only agents who can see the ticket are notified; a mention opens no door.
      const mentioned = mentionedUsers(text, users).filter((u) => u.id !== by.id && canSeeTicket(u, ticket, settings));
      const c = { id: newId(at), ticketNumber: number, author: by, text, mentions: mentioned.map((u) => u.id), createdAt: at };
      const batch = new Batch();
      putComment(db, batch, c);
      putTimeline(db, batch, { id: newId(at), ticketNumber: number, at, by, what: 'comment', note: text.slice(0, 200) });
      // Those named hear of the mention; the assignee, if not named, of a comment on their ticket.
      let mails = await notifyAgents(db, batch, { event: 'mention', ticket, by, text: `${by.name} mentioned you on #${number}: ${text.slice(0, 140)}`, to: mentioned.map((u) => u.id), now: at });
      if (ticket.assigneeId && !c.mentions.includes(ticket.assigneeId)) {
        mails += await notifyAgents(db, batch, { event: 'comment', ticket, by, text: `${by.name} commented on #${number}: ${text.slice(0, 140)}`, to: [ticket.assigneeId], now: at });
      }
      putTicket(db, batch, { ...ticket, updatedAt: at }, ticket);
      markRead(db, batch, by.id, number, at);
      await db.commit(batch);
      if (mails) app.deps.outbound.worker.wake();
      return c;
    });
    return reply.status(201).send(comment);
  });

  app.get('/tickets/:number/comments', { schema: { params: numberParam } }, async (req) => {
    const { number } = req.params as { number: number };
    const { ticket } = await ticketFor(app, req, number, 'view');
    return { items: await commentsOf(db, ticket.number) };
  });
}
