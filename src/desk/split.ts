import type { FullTicket, Message, Ticket } from './types.js';
import { subjectToken } from './tokens.js';

// Splitting a message off into a ticket of its own: a customer who raises a second matter in
// an old thread. The message moves; the new ticket has the same requester, the message's
// subject, and starts Open in the same department.

export type SplitRefusal = { code: 'only_message' | 'not_inbound'; message: string };

export function splitRefusal(ticket: FullTicket, message: Message, messageCount: number): SplitRefusal | null {
  // Our own replies and forwards stay with the conversation they answer (their delivery
  // records and threading headers name it).
  if (message.direction !== 'in') return { code: 'not_inbound', message: 'Only a message from the customer can be split off; replies stay with their ticket.' };
  if (messageCount <= 1) return { code: 'only_message', message: `It is the only message of ticket #${ticket.number}; there is nothing to split it from.` };
  return null;
}

/** Reply and forward prefixes clients put before a subject (RFC 5322 §3.6.5 "Re:", and their translations). */
const PREFIX = /^\s*(?:re|fwd?|aw|wg|sv|vs|tr|rv|antw)\s*(?:\[\d+\])?\s*:\s*/i;

/** The message's subject without reply prefixes and without the old ticket's token. */
export function splitSubject(subject: string, tokenFormat: string, oldNumber: number): string {
  let s = subject.replace(subjectToken(tokenFormat, oldNumber), ' ');
  for (let i = 0; i < 10 && PREFIX.test(s); i++) s = s.replace(PREFIX, '');
  s = s.replace(/\s+/g, ' ').trim();
  return s || '(no subject)';
}

/** The new ticket made of the message, and the original without it. */
export function splitTicket(original: FullTicket, message: Message, number: number, subject: string, remainingInbound: Message | undefined, now: number): { original: FullTicket; created: Ticket } {
  const created: Ticket = {
    number,
    subject,
    status: 'open',
    requester: original.requester,
    contactId: original.contactId,
    departmentId: original.departmentId,
    alias: original.alias,
    participants: original.participants,
    messageCount: 1,
    lastInboundMessageId: message.messageId || undefined,
    flags: [],
    linkedTickets: [original.number],
    priority: original.priority,
    severity: original.severity,
    createdAt: now,
    updatedAt: now,
  };
  return {
    original: {
      ...original,
      messageCount: Math.max(0, original.messageCount - 1),
      lastInboundMessageId: original.lastInboundMessageId === message.messageId ? remainingInbound?.messageId : original.lastInboundMessageId,
      linkedTickets: [...new Set([...original.linkedTickets, number])],
      updatedAt: now,
    },
    created,
  };
}
