import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { getDepartment, getUser } from '../../store/directory.js';
import { getTicket, putTicket } from '../../store/tickets.js';
import { putTask, putTimeline, tasksOf, timelineOf } from '../../store/activity.js';
import { notifyAgents } from '../../automation/notify-agents.js';
import { applyUpdate, type TicketUpdate } from '../../desk/lifecycle.js';
import { canBeAssigned, mayAssign } from '../../desk/access.js';
import { customValueProblem } from '../../desk/custom-fields.js';
import { customFieldDefinitions } from '../../store/custom-fields.js';
import { markRead } from '../../store/marks.js';
import { PRIORITIES, SEVERITIES, type FullTicket } from '../../desk/types.js';
import { actorOf, ticketFor } from '../guard.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { ticketDetail } from './tickets.js';

export const numberParam = { type: 'object', properties: { number: { type: 'integer', minimum: 1 } }, required: ['number'] } as const;

// Tags end up in index keys: no ':' or '~', which delimit and bound them.
const tagList = { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 50, pattern: '^[^:~\\s][^:~]*$' } } as const;

export const updateBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    status: { type: 'string', enum: ['open', 'waiting', 'hold', 'closed'] },
    priority: { type: 'string', enum: PRIORITIES },
    severity: { type: 'string', enum: SEVERITIES },
    dueAt: { type: ['integer', 'null'], minimum: 0 },
    tags: tagList,
    addTags: tagList,
    removeTags: tagList,
    assigneeId: { type: ['string', 'null'], maxLength: 40 },
    departmentId: { type: 'string', maxLength: 40 },
    customFields: {
      type: 'object',
      maxProperties: 50,
      propertyNames: { pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,39}$' },
      // Checked against the admin's definitions in updateTicket (with the API's type coercion
      // a schema anyOf would also turn 40 into "40").
      additionalProperties: {},
    },
    links: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'id', 'url'],
        properties: { type: { type: 'string', minLength: 1, maxLength: 40 }, id: { type: 'string', minLength: 1, maxLength: 200 }, url: { type: 'string', pattern: '^https?://', maxLength: 2000 } },
      },
    },
  },
} as const;

/**
 * Checks and applies one update as the request's user: role and department rules, the
 * assignee and department exist, then the change, its timeline lines, the assignee's task
 * and notification, in one batch. Used by PATCH and by bulk actions.
 */
export async function updateTicket(app: FastifyInstance, req: FastifyRequest, number: number, update: TicketUpdate): Promise<FullTicket> {
  const { db } = app.deps;
  if (update.customFields) {
    const defs = new Map((await customFieldDefinitions(db)).map((d) => [d.key, d] as const));
    for (const [key, value] of Object.entries(update.customFields)) {
      // A value of a field removed since may still be cleared.
      const problem = value === null && !defs.has(key) ? null : customValueProblem(defs.get(key), key, value);
      if (problem) throw new ApiError(400, 'invalid_custom_field', problem);
    }
  }
  const moving = update.assigneeId !== undefined || update.departmentId !== undefined;
  const { ticket: seen, user, settings } = await ticketFor(app, req, number, 'update');

  const assignee = update.assigneeId ? await getUser(db, update.assigneeId) : null;
  if (update.assigneeId && (!assignee || !canBeAssigned(assignee))) {
    throw new ApiError(400, 'bad_assignee', 'Assign to an active agent or admin; basic users cannot own tickets.');
  }
  if (update.departmentId && !(await getDepartment(db, update.departmentId))) throw notFound('That department');
  if (moving) {
    const d = mayAssign(user, seen, { assignee, departmentId: update.departmentId }, settings);
    if (!d.allowed) throw forbidden(d.reason);
  }

  return db.serial(async () => {
    // Read again inside the serial section: mail may have changed the ticket meanwhile.
    const current = (await getTicket(db, number))!;
    // A merged number reads as the ticket it went into: record everything there.
    number = current.number;
    const at = app.deps.now();
    const { ticket, changes } = applyUpdate(current, update, at);
    if (changes.length === 0) return ticket;
    const by = actorOf(req);
    const batch = new Batch();
    putTicket(db, batch, ticket, current);
    // Your own change does not make the ticket unread for you.
    markRead(db, batch, user.id, number, ticket.updatedAt);
    for (const c of changes) putTimeline(db, batch, { id: newId(at), ticketNumber: number, at, by, what: c.what, from: c.from, to: c.to });
    const assigned = changes.some((c) => c.what === 'assigneeId');
    let mails = 0;
    if (current.assigneeId && (assigned || (ticket.status === 'closed' && current.status !== 'closed'))) {
      // The previous assignee's task for this ticket is done: it moved on or closed.
      for (const t of await tasksOf(db, current.assigneeId)) {
        if (t.ticketNumber === number && t.doneAt === null) putTask(db, batch, { ...t, doneAt: at });
      }
    }
    if (assigned && ticket.assigneeId && ticket.status !== 'closed') {
      putTask(db, batch, { id: newId(at), userId: ticket.assigneeId, ticketNumber: number, title: `#${number} ${ticket.subject}`, createdAt: at, doneAt: null });
      // In the panel and by mail, as the assignee chose; not when they took it themselves.
      mails += await notifyAgents(db, batch, { event: 'assigned', ticket, by, text: `${by.name} assigned #${number} to you: ${ticket.subject}`, to: [ticket.assigneeId], now: at });
    }
    await db.commit(batch);
    if (mails) app.deps.outbound.worker.wake();
    app.deps.live.publish({ type: 'ticket', ticketNumber: number, reason: 'updated' });
    return ticket;
  });
}

/**
 * updateTicket, then the rules "on field change" when something changed; returns the ticket
 * as the rules left it. PATCH and the bulk actions both change fields through here.
 */
export async function updateThenRunRules(app: FastifyInstance, req: FastifyRequest, number: number, update: TicketUpdate): Promise<FullTicket> {
  const before = await getTicket(app.deps.db, number);
  const updated = await updateTicket(app, req, number, update);
  if (!app.deps.rules || updated.updatedAt === before?.updatedAt) return updated;
  await app.deps.rules.run(updated.number, 'field-changed');
  return (await getTicket(app.deps.db, updated.number)) ?? updated;
}

export async function ticketUpdateRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.patch('/tickets/:number', { schema: { params: numberParam, body: updateBody } }, async (req) => {
    const { number } = req.params as { number: number };
    const updated = await updateThenRunRules(app, req, number, req.body as TicketUpdate);
    return ticketDetail(app, updated);
  });

  app.get('/tickets/:number/timeline', { schema: { params: numberParam } }, async (req) => {
    const { number } = req.params as { number: number };
    const { ticket } = await ticketFor(app, req, number, 'view');
    return { items: await timelineOf(db, ticket.number) };
  });
}
