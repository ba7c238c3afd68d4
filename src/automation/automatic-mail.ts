import { newId } from '../store/ids.js';
import type { Batch, Db } from '../store/db.js';
import { getDepartment, getSupportAddress } from '../store/directory.js';
import { putMessage } from '../store/tickets.js';
import { putOutbound } from '../store/outbound.js';
import { ticketMessageId } from '../desk/tokens.js';
import type { FullTicket, Message } from '../desk/types.js';
import type { OutboundItem } from '../outbound/item.js';

/**
 * An automatic mail to the requester (a rule's template, a rating request) from the ticket's
 * support address: its queue item and its ticket message in the caller's batch, like an
 * acknowledgement. Returns the ticket with the message counted.
 */
export async function queueAutomaticMail(db: Db, batch: Batch, secret: Buffer, ticket: FullTicket, mail: { subject: string; text: string }, now: number): Promise<FullTicket> {
  const alias = await getSupportAddress(db, ticket.alias);
  const department = await getDepartment(db, ticket.departmentId);
  const fromAddress = alias?.address ?? ticket.alias;
  const from = { email: fromAddress, name: alias?.name || department?.name || 'Support' };
  const id = newId(now);
  const messageId = ticketMessageId(secret, ticket.number, fromAddress.split('@')[1]!);
  const references = ticket.lastInboundMessageId ? [ticket.lastInboundMessageId] : [];
  const item: OutboundItem = {
    id, messageRecordId: id, ticketNumber: ticket.number, kind: 'notification', messageId, from, to: [ticket.requester], cc: [], bcc: [],
    subject: mail.subject, text: mail.text, inReplyTo: ticket.lastInboundMessageId, references,
    // RFC 3834 §5: an automatic mail says so, so that other responders do not answer it.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Loop': fromAddress, Precedence: 'auto_reply', 'X-Auto-Response-Suppress': 'All' },
    attachmentIds: [], state: 'queued', attempts: 0, createdAt: now, nextAttemptAt: now,
  };
  putOutbound(db, batch, item);
  const record: Message = {
    id, ticketNumber: ticket.number, direction: 'out', messageId, inReplyTo: item.inReplyTo, references, from, to: [ticket.requester], cc: [],
    subject: mail.subject, date: now, receivedAt: now, text: mail.text, html: null, attachments: [], verdict: null, envelope: null,
    // Automatic, like an acknowledgement: it is not an agent's first response.
    flags: ['acknowledgement'], size: 0,
  };
  putMessage(db, batch, record);
  return { ...ticket, messageCount: ticket.messageCount + 1 };
}
