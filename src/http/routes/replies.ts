import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Batch } from '../../store/db.js';
import { messagesOf, putMessage, putTicket } from '../../store/tickets.js';
import { noteSent } from '../../store/sent.js';
import { getDepartment, getSettings, listSupportAddresses } from '../../store/directory.js';
import { getOutbound, listFromAddresses, putOutbound } from '../../store/outbound.js';
import type { AttachmentMeta, Message, Ticket } from '../../desk/types.js';
import { addressesSchema, fromAddressFor, outboundPair, sizeWithinRelay, storeUploads, toAddresses, uploadSchema, type AddressIn, type UploadIn } from './outbound-mail.js';
import { forwardedText, planReply } from '../../outbound/reply.js';
import { deliveryView, type OutboundItem } from '../../outbound/item.js';
import { ApiError, notFound } from '../errors.js';
import { ticketFor } from '../guard.js';
import { replyPortalFooter } from '../portal-links.js';

const attachment = { anyOf: [{ type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } } }, uploadSchema] };
const addresses = addressesSchema;
const numberParams = { type: 'object', properties: { number: { type: 'integer', minimum: 1 } }, required: ['number'] };
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } }, required: ['id'] };

type AttachmentIn = { id: string } | UploadIn;
interface ReplyBody {
  text: string;
  html?: string;
  to?: AddressIn[];
  cc?: AddressIn[];
  bcc?: AddressIn[];
  all?: boolean;
  from?: string;
  attachments?: AttachmentIn[];
  private?: boolean;
}
interface ForwardBody {
  to: AddressIn[];
  text?: string;
  messageId?: string;
  from?: string;
}

/** Inside the body when the HTML is a whole document: content after </html> is not HTML. */
const withFooter = (html: string, footer: string) => (/<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${footer}</body>`) : `${html}${footer}`);

/** Replies, forwards, and the delivery controls of each outbound message. */
export async function replyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const { worker } = app.deps.outbound;

  /**
   * Queues one outbound mail: the ticket message, its queue item and the ticket's new state
   * in one atomic, synced batch — recorded and queued together, or neither.
   */
  async function queue(req: FastifyRequest, kind: 'reply' | 'forward', number: number, body: ReplyBody & { forwardOf?: string }): Promise<string> {
    const id = await db.serial(async () => {
      // Department visibility and role (basic agents only comment): src/desk/access.ts.
      const { ticket } = await ticketFor(app, req, number, kind);
      const [messages, orgSettings, department, fromAddresses, supportAddresses] = await Promise.all([messagesOf(db, number), getSettings(db), getDepartment(db, ticket.departmentId), listFromAddresses(db), listSupportAddresses(db)]);
      const settings = { ...orgSettings, ...department?.channel };
      const from = fromAddressFor(fromAddresses, body.from, ticket);
      const ours = new Set([...supportAddresses.map((a) => a.address), ...fromAddresses.map((f) => f.address)]);
      const inbound = messages.filter((m) => m.direction === 'in' && !m.flags.includes('bounce'));
      const lastInbound = inbound.at(-1);
      const forwarded = kind === 'forward' ? (body.forwardOf ? messages.find((m) => m.id === body.forwardOf) : lastInbound) : undefined;
      if (kind === 'forward' && !forwarded) throw notFound('The message to forward');
      const plan = planReply({
        kind, ticket, lastInbound, from, agentName: req.user!.name, settings, isOurs: (e) => ours.has(e.toLowerCase()),
        to: toAddresses(body.to), cc: toAddresses(body.cc), bcc: toAddresses(body.bcc), all: body.all, private: body.private,
      });
      if (plan.to.length + plan.cc.length + plan.bcc.length === 0) throw new ApiError(400, 'invalid_request', 'The mail has no recipient.');

      const now = app.deps.now();
      const batch = new Batch();
      const attachments = [...(forwarded?.attachments ?? []), ...(await attachmentsFor(batch, body.attachments ?? [], messages))];
      const text = forwarded ? forwardedText(body.text, forwarded) : body.text;
      const size = sizeWithinRelay(from, text, body.html, attachments);
      const flags: Message['flags'] = [...(kind === 'forward' ? (['forward'] as const) : []), ...(plan.private ? (['private'] as const) : [])];
      const { item, record } = outboundPair(app, { ticketNumber: ticket.number, kind, plan, from, text, html: body.html, attachments, size, author: { id: req.user!.id, name: req.user!.name }, flags });
      const id = item.id;
      // The customer's way into the help centre's portal, under a reply they receive (the
      // stored record keeps what the agent wrote).
      const footer = kind === 'reply' && !plan.private ? await replyPortalFooter(app, ticket, now) : null;
      if (footer) {
        item.text = `${text.trimEnd()}${footer.text}`;
        if (body.html) item.html = withFooter(body.html, footer.html);
      }
      // A reply the requester receives waits on the customer; a private note to others does not.
      // Whoever an agent writes to may answer into the ticket: they become participants, so
      // ingest's hijack guard does not split their answer off into a new ticket.
      const written = [...plan.to, ...plan.cc, ...plan.bcc].map((a) => a.email.toLowerCase()).filter((e) => !ours.has(e));
      const next: Ticket = {
        ...ticket,
        status: plan.private ? ticket.status : 'waiting',
        participants: [...new Set([...ticket.participants, ...written])],
        messageCount: ticket.messageCount + 1,
        updatedAt: now,
        closedAt: plan.private ? ticket.closedAt : undefined,
      };
      putOutbound(db, batch, item);
      putMessage(db, batch, record);
      putTicket(db, batch, next, ticket);
      // The author's Sent folder lists the ticket from now on.
      await noteSent(db, batch, req.user!.id, ticket.number, now);
      await db.commit(batch, true);
      req.log.info({ ticket: ticket.number, id, kind, private: plan.private }, 'outbound: queued');
      return id;
    });
    worker.wake();
    return id;
  }

  /** Stored attachments of this ticket by id, and uploads (stored in the batch). */
  async function attachmentsFor(batch: Batch, list: AttachmentIn[], messages: Message[]): Promise<AttachmentMeta[]> {
    const known = new Map(messages.flatMap((m) => m.attachments).map((a) => [a.id, a] as const));
    const uploads = storeUploads(db, batch, list.filter((a): a is UploadIn => !('id' in a)));
    return list.map((a) => {
      if (!('id' in a)) return uploads.shift()!;
      const meta = known.get(a.id);
      if (!meta) throw new ApiError(400, 'invalid_request', `Attachment ${a.id} is not one of this ticket's attachments.`);
      return { ...meta, inline: false };
    });
  }

  app.post('/tickets/:number/replies', {
    schema: {
      params: numberParams,
      body: {
        type: 'object', additionalProperties: false, required: ['text'],
        properties: { text: { type: 'string', maxLength: 1_000_000 }, html: { type: 'string', maxLength: 5_000_000 }, to: addresses, cc: addresses, bcc: addresses, all: { type: 'boolean' }, from: { type: 'string', maxLength: 320 }, attachments: { type: 'array', maxItems: 50, items: attachment }, private: { type: 'boolean' } },
      },
    },
  }, async (req, reply) => {
    const id = await queue(req, 'reply', (req.params as { number: number }).number, req.body as ReplyBody);
    return reply.status(202).send({ id });
  });

  app.post('/tickets/:number/forward', {
    schema: {
      params: numberParams,
      body: {
        type: 'object', additionalProperties: false, required: ['to'],
        properties: { to: { ...addresses, minItems: 1 }, text: { type: 'string', maxLength: 1_000_000 }, messageId: { type: 'string', pattern: '^[0-9a-z]{20}$' }, from: { type: 'string', maxLength: 320 } },
      },
    },
  }, async (req, reply) => {
    const body = req.body as ForwardBody;
    const id = await queue(req, 'forward', (req.params as { number: number }).number, { text: body.text ?? '', to: body.to, from: body.from, forwardOf: body.messageId });
    return reply.status(202).send({ id });
  });

  /** Changes a queued mail's state in a serial section; refuses while it is on the wire. */
  const control = (req: FastifyRequest, decide: (item: OutboundItem) => OutboundItem) => {
    const { id } = req.params as { id: string };
    return db.serial(async () => {
      const item = await getOutbound(db, id);
      if (!item) throw notFound('That outbound message');
      // Whoever may reply on the ticket may retry or cancel its mail; others see nothing.
      await ticketFor(app, req, item.ticketNumber, 'reply').catch((err) => {
        throw err instanceof ApiError && err.status === 404 ? notFound('That outbound message') : err;
      });
      if (item.state === 'sending' || worker.isSending(id)) throw new ApiError(409, 'sending', 'This mail is being handed to the relay right now; look again in a moment.');
      if (item.state === 'sent') throw new ApiError(409, 'already_sent', 'The relay has already accepted this mail.');
      const next = decide(item);
      const batch = new Batch();
      putOutbound(db, batch, next);
      await db.commit(batch, true);
      return { delivery: deliveryView(next) };
    });
  };

  app.post('/messages/:id/retry', { schema: { params: idParams } }, async (req) => {
    const now = Date.now();
    const result = await control(req, (item) => ({ ...item, state: 'queued', nextAttemptAt: now, queuedAt: now, finishedAt: undefined }));
    worker.wake();
    return result;
  });

  app.post('/messages/:id/cancel', { schema: { params: idParams } }, async (req) =>
    control(req, (item) => {
      if (item.state === 'cancelled') return item;
      if (item.state === 'failed') throw new ApiError(409, 'already_failed', 'This mail has already failed; nothing is left to cancel.');
      return { ...item, state: 'cancelled', finishedAt: Date.now(), lastReply: `Cancelled by ${req.user!.name || req.user!.email}.` };
    }),
  );
}
