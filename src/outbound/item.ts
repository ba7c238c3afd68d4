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
  kind: 'ack' | 'reply' | 'forward' | 'notification';
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
  state: DeliveryState;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastReply?: string;
}
