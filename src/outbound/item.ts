import type { Address } from '../desk/types.js';

export type DeliveryState = 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled';

/**
 * One mail waiting to leave through a relay. It is written in the same batch as the ticket
 * message it belongs to, so that a reply or an acknowledgement is never recorded without
 * being queued, nor queued without being recorded.
 */
export interface OutboundItem {
  id: string;
  /** The ticket message this mail is (direction 'out'). */
  messageRecordId: string;
  ticketNumber: number;
  /** 'agent-notice': a mail to an agent about a ticket (src/automation/notify-agents.ts); it has no ticket message. */
  kind: 'ack' | 'reply' | 'forward' | 'notification' | 'agent-notice';
  /** Fixed when queued, so a resend is recognisably the same mail (RFC 5322 §3.6.4). */
  messageId: string;
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  html?: string;
  inReplyTo?: string;
  references: string[];
  /** Extra header fields, e.g. Auto-Submitted: auto-replied (RFC 3834 §5). */
  headers: Record<string, string>;
  attachmentIds: string[];
  /** The From address (and so the relay) chosen when queued; absent = chosen at send time. */
  fromAddressId?: string;
  /** Envelope sender (RFC 5321 MAIL FROM) when it differs from From:, e.g. a VERP address. */
  envelopeFrom?: string;
  state: DeliveryState;
  attempts: number;
  createdAt: number;
  /** Start of the give-up clock: when queued, or when an agent last pressed "retry now". */
  queuedAt?: number;
  nextAttemptAt: number;
  lastReply?: string;
  lastAttemptAt?: number;
  /** When the relay accepted it, or when it was failed or cancelled. */
  finishedAt?: number;
}

/** What the API shows of an outbound message's delivery. */
export function deliveryView(item: OutboundItem) {
  return { state: item.state, attempts: item.attempts, lastReply: item.lastReply ?? null, nextAttemptAt: item.state === 'queued' || item.state === 'retrying' ? item.nextAttemptAt : null };
}
