import type { FastifyInstance } from 'fastify';
import type { Batch, Db } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import type { Address, AttachmentMeta, Message, Ticket } from '../../desk/types.js';
import { chooseFromAddress, type FromAddress } from '../../outbound/from-address.js';
import type { ReplyPlan } from '../../outbound/reply.js';
import type { OutboundItem } from '../../outbound/item.js';
import { ticketMessageId } from '../../desk/tokens.js';
import { ApiError } from '../errors.js';

// What a reply and a new outbound mail share: the request shapes, the uploaded attachments,
// the relay's size limit, and the message + queue item pair written in one batch.

const email = { type: 'string', maxLength: 320, pattern: '^[^\\s@<>]+@[^\\s@<>]+$' };
export const addressSchema = {
  anyOf: [email, { type: 'object', additionalProperties: false, required: ['email'], properties: { email, name: { type: 'string', maxLength: 200 } } }],
};
export const addressesSchema = { type: 'array', maxItems: 100, items: addressSchema };
export const uploadSchema = {
  type: 'object', additionalProperties: false, required: ['filename', 'content'],
  properties: { filename: { type: 'string', minLength: 1, maxLength: 255 }, contentType: { type: 'string', maxLength: 200 }, content: { type: 'string', description: 'base64' } },
};

export type AddressIn = string | { email: string; name?: string };
export type UploadIn = { filename: string; contentType?: string; content: string };

export const toAddress = (a: AddressIn): Address => (typeof a === 'string' ? { email: a.toLowerCase(), name: '' } : { email: a.email.toLowerCase(), name: a.name ?? '' });
export const toAddresses = (list?: AddressIn[]) => list?.map(toAddress);

/** The From address the agent picked (by id or address), else the one the ticket's department uses. */
export function fromAddressFor(all: FromAddress[], requested: string | undefined, ticket: Pick<Ticket, 'alias' | 'departmentId'>): FromAddress {
  const from = requested ? all.find((f) => f.enabled && (f.id === requested || f.address === requested.toLowerCase())) : chooseFromAddress(all, ticket);
  if (from) return from;
  throw requested
    ? new ApiError(400, 'invalid_from', `${requested} is not an active From address.`)
    : new ApiError(409, 'no_from_address', 'No active From address is set up for this ticket’s department; an admin adds one under From addresses.');
}

/** Stores uploaded files in the batch; they become the mail's attachments. */
export function storeUploads(db: Db, batch: Batch, uploads: UploadIn[]): AttachmentMeta[] {
  return uploads.map((a) => {
    const content = Buffer.from(a.content, 'base64');
    const id = newId();
    const contentType = a.contentType || 'application/octet-stream';
    batch.put(db.sub.att, id, content);
    batch.put(db.sub.meta, `att:${id}`, { filename: a.filename, contentType });
    return { id, filename: a.filename, contentType, size: content.length, inline: false };
  });
}

/**
 * The mail's approximate size on the wire (base64 grows attachments by 4/3, plus line
 * ends), refused up front when the relay said it takes less (RFC 1870 SIZE).
 */
export function sizeWithinRelay(from: FromAddress, text: string, html: string | undefined, attachments: AttachmentMeta[]): number {
  const size = Buffer.byteLength(text) + Buffer.byteLength(html ?? '') + attachments.reduce((n, a) => n + Math.ceil(a.size / 57) * 78, 0) + 4096;
  if (from.relayMaxSize && size > from.relayMaxSize) {
    throw new ApiError(413, 'too_large', `This mail would be about ${mb(size)} with its attachments; the relay of ${from.address} accepts at most ${mb(from.relayMaxSize)} (its SMTP SIZE). Leave out an attachment or share it by link.`);
  }
  return size;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The ticket message and its queue item for one agent mail. Its Message-ID is ours and
 * signed with the ticket number, so the customer's answer (In-Reply-To, RFC 5322 §3.6.4)
 * threads back into the ticket even without the subject token.
 */
export function outboundPair(app: FastifyInstance, o: {
  ticketNumber: number; kind: 'reply' | 'forward'; plan: ReplyPlan; from: FromAddress; text: string; html?: string;
  attachments: AttachmentMeta[]; size: number; author: { id: string; name: string }; flags: Message['flags'];
}): { item: OutboundItem; record: Message } {
  const now = app.deps.now();
  const id = newId(now);
  const messageId = ticketMessageId(app.deps.outbound.secret, o.ticketNumber, o.from.address.split('@')[1]!);
  const { plan } = o;
  const item: OutboundItem = {
    id, messageRecordId: id, ticketNumber: o.ticketNumber, kind: o.kind, messageId,
    from: plan.from, to: plan.to, cc: plan.cc, bcc: plan.bcc, subject: plan.subject, text: o.text, html: o.html,
    inReplyTo: plan.inReplyTo, references: plan.references,
    // Agent mail carries no Auto-Submitted (RFC 3834 §5: it is written by a person).
    headers: {},
    attachmentIds: o.attachments.map((a) => a.id), fromAddressId: o.from.id,
    state: 'queued', attempts: 0, createdAt: now, queuedAt: now, nextAttemptAt: now,
  };
  const record: Message = {
    id, ticketNumber: o.ticketNumber, direction: 'out', messageId, inReplyTo: plan.inReplyTo, references: plan.references,
    from: plan.from, to: plan.to, cc: plan.cc, author: o.author, subject: plan.subject, date: now, receivedAt: now, text: o.text, html: o.html ?? null,
    attachments: o.attachments, verdict: null, envelope: null, flags: o.flags, size: o.size,
  };
  return { item, record };
}
