import type { Address, DeskSettings, Message, Ticket } from '../desk/types.js';
import { withSubjectToken } from '../desk/tokens.js';
import type { FromAddress } from './from-address.js';

// Who a reply or a forward goes to, whether it is private, and how it threads. Pure: the
// route gathers the facts, this decides.

export interface ReplyFacts {
  /** 'new': the first mail of a ticket an agent opens (POST /tickets); it answers nothing. */
  kind: 'reply' | 'forward' | 'new';
  ticket: Ticket;
  /** The customer's last message, which the reply answers. */
  lastInbound?: Message;
  from: FromAddress;
  agentName: string;
  settings: DeskSettings;
  /** True for our support addresses and From addresses. */
  isOurs: (email: string) => boolean;
  to?: Address[];
  cc?: Address[];
  bcc?: Address[];
  /** Reply all: keep the customer's To and Cc (minus our own addresses). */
  all?: boolean;
  private?: boolean;
}

export interface ReplyPlan {
  from: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  private: boolean;
  subject: string;
  inReplyTo?: string;
  references: string[];
}

/** RFC 5322 §3.6.4 lets References be trimmed; keeping the first and the latest ids keeps the thread. */
const MAX_REFERENCES = 20;

export function planReply(f: ReplyFacts): ReplyPlan {
  const seen = new Set<string>();
  const unique = (list: Address[]) =>
    list.filter((a) => {
      const key = a.email.toLowerCase();
      if (!key || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const last = f.lastInbound;
  // RFC 5322 §3.6.2: a reply goes to Reply-To when the author set one, else to From.
  const defaultTo = last?.replyTo?.length ? last.replyTo : [f.ticket.requester];
  const to = unique(f.to ?? (f.kind === 'reply' ? defaultTo : []));
  const keptCc = f.all && last ? [...last.to, ...last.cc].filter((a) => !f.isOurs(a.email)) : [];
  const autoCc = f.kind !== 'forward' && f.settings.autoCcSupport ? [{ email: f.ticket.alias, name: f.from.name }] : [];
  const cc = unique([...(f.cc ?? keptCc), ...autoCc]);
  const bcc = unique(f.bcc ?? []);
  const requester = f.ticket.requester.email.toLowerCase();
  const requesterReceives = [...to, ...cc, ...bcc].some((a) => a.email.toLowerCase() === requester);
  const references = last ? [...last.references, ...(last.messageId ? [last.messageId] : [])] : [];
  const trimmed = references.length > MAX_REFERENCES ? [references[0]!, ...references.slice(-(MAX_REFERENCES - 1))] : references;
  const prefix = f.kind === 'forward' ? 'Fwd: ' : f.kind === 'reply' ? 'Re: ' : '';
  return {
    from: { email: f.from.address, name: f.settings.agentNameInFrom && f.agentName ? f.agentName : f.from.name },
    to,
    cc,
    bcc,
    // Forwards always; replies when asked or when the requester is not among the recipients.
    private: f.kind === 'forward' || Boolean(f.private) || !requesterReceives,
    subject: withSubjectToken(f.settings.subjectTokenFormat, f.ticket.number, prefix + f.ticket.subject),
    inReplyTo: f.kind === 'reply' && last?.messageId ? last.messageId : undefined,
    references: f.kind === 'reply' ? trimmed : [],
  };
}

/** The forwarded message below the agent's note, as mail clients quote it. */
export function forwardedText(note: string, m: Message): string {
  const who = (a: Address) => (a.name ? `${a.name} <${a.email}>` : a.email);
  return [
    note,
    '',
    '---------- Forwarded message ----------',
    `From: ${who(m.from)}`,
    `Date: ${new Date(m.date).toUTCString()}`,
    `Subject: ${m.subject}`,
    `To: ${m.to.map(who).join(', ')}`,
    '',
    m.text,
  ].join('\n');
}
