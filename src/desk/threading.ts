import type { Ticket, TicketStatus } from './types.js';

export type ThreadDecision =
  | { kind: 'new' }
  | { kind: 'join'; ticket: Ticket; status: TicketStatus; reopened: boolean }
  /** Cites a ticket it may not join: open a new one that links the cited one. */
  | { kind: 'new-linked'; linked: number; reason: 'not-participant' | 'closed-long-ago' };

export interface SenderFacts {
  email: string;
  /** An active agent of this desk. */
  isAgent: boolean;
  /**
   * The sender's domain did not fail DMARC: pass, or publishes no policy. A participant
   * whose domain publishes DMARC must pass it to count (else anyone can forge From).
   */
  authentic: boolean;
}

const DAY = 86_400_000;

/**
 * Where a mail goes, given the ticket it cites (by Message-ID reference or subject token):
 * into that ticket when its sender takes part in it, else a new ticket that mentions it.
 * A reply from the customer reopens a Waiting or On-hold ticket; a Closed one reopens within
 * the window and is otherwise followed by a new ticket that links it.
 */
export function decideThread(cited: Ticket | undefined, sender: SenderFacts, opts: { now: number; reopenWindowDays: number }): ThreadDecision {
  if (!cited) return { kind: 'new' };
  const participant = sender.isAgent || cited.participants.includes(sender.email) || cited.requester.email === sender.email;
  if (!participant || !sender.authentic) return { kind: 'new-linked', linked: cited.number, reason: 'not-participant' };
  if (sender.isAgent) return { kind: 'join', ticket: cited, status: cited.status, reopened: false };
  if (cited.status === 'closed') {
    const closedAt = cited.closedAt ?? cited.updatedAt;
    if (opts.now - closedAt > opts.reopenWindowDays * DAY) return { kind: 'new-linked', linked: cited.number, reason: 'closed-long-ago' };
    return { kind: 'join', ticket: cited, status: 'open', reopened: true };
  }
  return { kind: 'join', ticket: cited, status: 'open', reopened: cited.status !== 'open' };
}

/** Addresses that become participants of a ticket from a customer's mail: sender, To and Cc, minus ours. */
export function participantsFrom(addresses: string[], ours: (email: string) => boolean): string[] {
  return [...new Set(addresses.map((a) => a.toLowerCase()).filter((a) => a && !ours(a)))];
}
