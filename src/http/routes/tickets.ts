import type { FastifyInstance } from 'fastify';
import { getTicket, listTickets, messagesOf } from '../../store/tickets.js';
import { listDepartments } from '../../store/directory.js';
import { outboundOf } from '../../store/outbound.js';
import { deliveryView, type OutboundItem } from '../../outbound/item.js';
import type { Department, Message, Ticket, TicketStatus } from '../../desk/types.js';
import { ApiError, notFound } from '../errors.js';

const STATUSES = ['open', 'waiting', 'hold', 'closed'];

export async function ticketRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  const departmentsById = async () => new Map((await listDepartments(db)).map((d) => [d.id, d] as const));

  app.get('/tickets', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: STATUSES },
          q: { type: 'string', maxLength: 200 },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          cursor: { type: 'string', maxLength: 100 },
        },
      },
    },
  }, async (req) => {
    const { status, q, limit, cursor } = req.query as { status?: TicketStatus; q?: string; limit: number; cursor?: string };
    const needle = q?.trim().toLowerCase();
    const page = await listTickets(db, {
      status,
      limit,
      cursor,
      match: needle ? (t) => t.subject.toLowerCase().includes(needle) || t.requester.email.includes(needle) || t.requester.name.toLowerCase().includes(needle) || `#${t.number}` === needle || String(t.number) === needle : undefined,
    });
    const depts = await departmentsById();
    return { items: page.items.map((t) => ticketSummary(t, depts)), nextCursor: page.nextCursor };
  });

  app.get('/tickets/:number', {
    schema: { params: { type: 'object', properties: { number: { type: 'integer', minimum: 1 } }, required: ['number'] } },
  }, async (req) => {
    const { number } = req.params as { number: number };
    const ticket = await getTicket(db, number);
    if (!ticket) throw notFound(`Ticket #${number}`);
    const [messages, depts] = await Promise.all([messagesOf(db, number), departmentsById()]);
    const deliveries = await outboundOf(db, messages.filter((m) => m.direction === 'out').map((m) => m.id));
    return { ...ticketSummary(ticket, depts), participants: ticket.participants, flags: ticket.flags, linkedTickets: ticket.linkedTickets, messages: messages.map((m) => messageView(m, deliveries.get(m.id))) };
  });
}

export function ticketSummary(t: Ticket, depts: Map<string, Department>) {
  const d = depts.get(t.departmentId);
  return {
    number: t.number,
    subject: t.subject,
    status: t.status,
    requester: { email: t.requester.email, name: t.requester.name },
    department: d ? { id: d.id, name: d.name } : { id: t.departmentId, name: '' },
    alias: t.alias,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    messageCount: t.messageCount,
    flags: t.flags,
  };
}

export function messageView(m: Message, delivery?: OutboundItem) {
  return {
    id: m.id,
    direction: m.direction,
    messageId: m.messageId,
    from: m.from,
    to: m.to,
    cc: m.cc,
    ...(m.author ? { author: m.author } : {}),
    subject: m.subject,
    date: m.date,
    receivedAt: m.receivedAt,
    text: m.text,
    html: m.html,
    attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, cid: a.cid })),
    verdict: m.verdict,
    envelope: m.envelope,
    flags: m.flags,
    ...(delivery ? { delivery: deliveryView(delivery) } : {}),
  };
}

export { ApiError };
