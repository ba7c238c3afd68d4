import type { FastifyInstance } from 'fastify';
import { deleteDraft, draftsOf, getDraft, putDraft, type Draft } from '../../store/drafts.js';
import { getTicket } from '../../store/tickets.js';
import { notFound } from '../errors.js';
import { ticketFor, userOf } from '../guard.js';
import { numberParam } from './ticket-updates.js';

// The composer's autosave: each agent's own draft per ticket. Reading or writing a draft
// needs the right to view the ticket (a basic agent drafts comments too); sending it is
// checked by the replies and comments routes as usual.

const text = (max: number) => ({ type: 'string', maxLength: max });
const draftBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'text'],
  properties: {
    kind: { type: 'string', enum: ['reply', 'reply-all', 'forward', 'comment'] },
    text: text(1_000_000),
    to: text(10_000),
    cc: text(10_000),
    bcc: text(10_000),
    from: text(320),
    private: { type: 'boolean' },
  },
} as const;

export async function draftRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/tickets/:number/draft', { schema: { params: numberParam } }, async (req) => {
    const { ticket, user } = await ticketFor(app, req, (req.params as { number: number }).number, 'view');
    const draft = await getDraft(db, user.id, ticket.number);
    if (!draft) throw notFound('A draft on this ticket');
    return draft;
  });

  app.put('/tickets/:number/draft', { schema: { params: numberParam, body: draftBody } }, async (req) => {
    const { ticket, user } = await ticketFor(app, req, (req.params as { number: number }).number, 'view');
    const b = req.body as Partial<Draft> & Pick<Draft, 'kind' | 'text'>;
    const draft: Draft = {
      ticketNumber: ticket.number, userId: user.id, kind: b.kind, text: b.text,
      to: b.to ?? '', cc: b.cc ?? '', bcc: b.bcc ?? '', from: b.from ?? '', private: b.private ?? false,
      updatedAt: app.deps.now(),
    };
    await putDraft(db, draft);
    return draft;
  });

  app.delete('/tickets/:number/draft', { schema: { params: numberParam } }, async (req, reply) => {
    const { ticket, user } = await ticketFor(app, req, (req.params as { number: number }).number, 'view');
    await deleteDraft(db, user.id, ticket.number);
    return reply.status(204).send();
  });

  /** The Drafts folder: the caller's drafts on tickets they can still see, with the subject. */
  app.get('/drafts', async (req) => {
    const user = userOf(req);
    const items = [];
    for (const d of await draftsOf(db, user.id)) {
      const visible = await ticketFor(app, req, d.ticketNumber, 'view').then(() => true, () => false);
      const ticket = visible ? await getTicket(db, d.ticketNumber) : undefined;
      if (ticket) items.push({ ticketNumber: d.ticketNumber, subject: ticket.subject, kind: d.kind, text: d.text.slice(0, 200), updatedAt: d.updatedAt });
    }
    return { items };
  });
}
