import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { nextTicketNumber, putMessage, putTicket } from '../../store/tickets.js';
import { listDepartments, getSettings, listSupportAddresses } from '../../store/directory.js';
import { listFromAddresses, putOutbound } from '../../store/outbound.js';
import { putTimeline } from '../../store/activity.js';
import { contactFor } from '../../ingest/records.js';
import { mayOnTicket } from '../../desk/access.js';
import type { Ticket } from '../../desk/types.js';
import { planReply } from '../../outbound/reply.js';
import { ApiError, forbidden } from '../errors.js';
import { actorOf, userOf } from '../guard.js';
import { addressesSchema, fromAddressFor, outboundPair, sizeWithinRelay, storeUploads, toAddresses, uploadSchema, type AddressIn, type UploadIn } from './outbound-mail.js';

// An agent writes first: a new outbound mail opens a ticket, as a customer's mail would. The
// customer is the first To; the ticket waits on them; their answer threads back by our
// signed Message-ID (In-Reply-To) or the subject token.

interface NewMailBody {
  from?: string;
  departmentId?: string;
  to: AddressIn[];
  cc?: AddressIn[];
  bcc?: AddressIn[];
  subject: string;
  text: string;
  html?: string;
  attachments?: UploadIn[];
}

export async function newMailRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.post('/tickets', {
    schema: {
      description: 'Sends a new mail to a customer and opens a ticket for it (agents and admins). The first To is the requester; the ticket is Waiting.',
      body: {
        type: 'object', additionalProperties: false, required: ['to', 'subject', 'text'],
        properties: {
          from: { type: 'string', maxLength: 320, description: 'An active From address (id or address); default: the department’s.' },
          departmentId: { type: 'string', maxLength: 40, description: 'Default: the From address’s department, else the default support address’s.' },
          to: { ...addressesSchema, minItems: 1 },
          cc: addressesSchema,
          bcc: addressesSchema,
          // RFC 5322 §2.1.1: a line is at most 998 characters; the subject token needs room.
          subject: { type: 'string', minLength: 1, maxLength: 900, pattern: '\\S' },
          text: { type: 'string', minLength: 1, maxLength: 1_000_000 },
          html: { type: 'string', maxLength: 5_000_000 },
          attachments: { type: 'array', maxItems: 50, items: uploadSchema },
        },
      },
      response: { 201: { type: 'object', properties: { number: { type: 'integer' }, messageId: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const user = userOf(req);
    const body = req.body as NewMailBody;
    if (user.role === 'basic') throw forbidden('Your role (basic) may not send mail; basic users read tickets and comment.');
    const created = await db.serial(async () => {
      const [settings, fromAddresses, supportAddresses, departments] = await Promise.all([getSettings(db), listFromAddresses(db), listSupportAddresses(db), listDepartments(db)]);
      const asked = body.from ? fromAddressFor(fromAddresses, body.from, { alias: '', departmentId: '' }) : undefined;
      const fallback = supportAddresses.find((a) => a.isDefault) ?? supportAddresses[0];
      const departmentId = body.departmentId ?? asked?.departmentId ?? supportAddresses.find((a) => a.address === asked?.address)?.departmentId ?? fallback?.departmentId;
      const department = departments.find((d) => d.id === departmentId);
      if (!department) throw new ApiError(400, 'invalid_department', body.departmentId ? `Department ${body.departmentId} does not exist.` : 'No department to file this ticket under; an admin sets up a support address first.');
      const may = mayOnTicket(user, 'reply', { departmentId: department.id }, settings);
      if (!may.allowed) throw forbidden(`You may open tickets only in departments you belong to, not in ${department.name}.`);
      // The support address the customer's answer comes back to: the From address when it is
      // one, else the department's (its default first), else the organisation's default.
      const ofDepartment = supportAddresses.filter((a) => a.departmentId === department.id).sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
      const alias = (supportAddresses.find((a) => a.address === asked?.address) ?? ofDepartment[0] ?? fallback)?.address ?? asked?.address ?? '';
      const from = asked ?? fromAddressFor(fromAddresses, undefined, { alias, departmentId: department.id });
      const ours = new Set([...supportAddresses.map((a) => a.address), ...fromAddresses.map((f) => f.address)]);
      const to = toAddresses(body.to)!;
      const customer = to.find((a) => !ours.has(a.email));
      if (!customer) throw new ApiError(400, 'invalid_to', 'Write to a customer: every To address is one of our own.');

      const now = app.deps.now();
      const batch = new Batch();
      const [contact, number] = await Promise.all([contactFor(db, batch, customer, now), nextTicketNumber(db, batch, settings.firstTicketNumber)]);
      const draft: Ticket = {
        number, subject: body.subject.trim(), status: 'waiting',
        requester: { email: customer.email, name: customer.name || contact.name }, contactId: contact.id,
        departmentId: department.id, alias, participants: [], messageCount: 1, flags: [], linkedTickets: [], createdAt: now, updatedAt: now,
      };
      const plan = planReply({
        kind: 'new', ticket: draft, from, agentName: user.name, settings: { ...settings, ...department.channel }, isOurs: (e) => ours.has(e.toLowerCase()),
        to, cc: toAddresses(body.cc), bcc: toAddresses(body.bcc),
      });
      const attachments = storeUploads(db, batch, body.attachments ?? []);
      const size = sizeWithinRelay(from, body.text, body.html, attachments);
      const { item, record } = outboundPair(app, { ticketNumber: number, kind: 'reply', plan, from, text: body.text, html: body.html, attachments, size, author: { id: user.id, name: user.name }, flags: [] });
      // Everyone written to may answer into the ticket (ingest's hijack guard lets them in).
      const ticket: Ticket = { ...draft, participants: [...new Set([...plan.to, ...plan.cc, ...plan.bcc].map((a) => a.email).filter((e) => !ours.has(e)))] };
      putOutbound(db, batch, item);
      putMessage(db, batch, record);
      putTicket(db, batch, ticket);
      putTimeline(db, batch, { id: newId(now), ticketNumber: number, at: now, by: actorOf(req), what: 'created', note: `New mail to ${customer.email}` });
      await db.commit(batch, true);
      req.log.info({ ticket: number, id: item.id }, 'outbound: new mail queued');
      return { number, messageId: item.messageId };
    });
    app.deps.outbound.worker.wake();
    app.deps.live.publish({ type: 'ticket', ticketNumber: created.number, reason: 'new' });
    return reply.status(201).send(created);
  });
}
