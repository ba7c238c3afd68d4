// The help desk's records as plain data. Times are UTC milliseconds.

export type TicketStatus = 'open' | 'waiting' | 'hold' | 'closed';

export interface Address {
  email: string;
  name: string;
}

export interface Ticket {
  number: number;
  subject: string;
  status: TicketStatus;
  requester: Address;
  contactId: string;
  departmentId: string;
  /** The support address (alias) the first mail was delivered to. */
  alias: string;
  /** Everyone who may write into this ticket: requester, CC'd customers. Lower-case. */
  participants: string[];
  messageCount: number;
  /** Message-IDs of the ticket's messages, newest last; threading looks them up. */
  lastInboundMessageId?: string;
  flags: TicketFlag[];
  /** A ticket opened by mail that cited another ticket without the right to join it. */
  linkedTickets: number[];
  createdAt: number;
  updatedAt: number;
  closedAt?: number;
}

export type TicketFlag = 'system' | 'quarantine' | 'dmarc-fail' | 'bounce' | 'hijack-guard';

export interface VerdictSummary {
  spf: { result: string; domain?: string; info?: string };
  dkim: Array<{ result: string; domain?: string; selector?: string; aligned?: boolean; info?: string }>;
  dmarc: { result: string; policy?: string; domain?: string; info?: string };
  arc: { result: string; info?: string };
}

export interface AttachmentMeta {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** Content-ID for inline images (cid: references in the HTML). */
  cid?: string;
  inline: boolean;
}

export interface Envelope {
  mailFrom: string;
  rcptTo: string[];
  clientIp: string;
  clientHostname?: string;
  helo: string;
  tls: boolean;
  tlsCipher?: string;
}

export type MessageFlag =
  | 'auto-reply'
  | 'bounce'
  | 'list'
  | 'own-address'
  | 'dmarc-fail'
  | 'quarantine'
  | 'not-requester'
  | 'hijack-guard'
  | 'duplicate'
  | 'parse-error'
  | 'acknowledgement'
  | 'system'
  /** An outbound mail the requester did not receive (a forward, or a reply to others only). */
  | 'private'
  | 'forward';

export interface Message {
  id: string;
  ticketNumber: number;
  direction: 'in' | 'out';
  messageId: string;
  inReplyTo?: string;
  references: string[];
  from: Address;
  to: Address[];
  cc: Address[];
  replyTo?: Address[];
  /** The agent who wrote an outbound reply or forward. */
  author?: { id: string; name: string };
  subject: string;
  date: number;
  receivedAt: number;
  text: string;
  html: string | null;
  attachments: AttachmentMeta[];
  verdict: VerdictSummary | null;
  envelope: Envelope | null;
  flags: MessageFlag[];
  /** Size of the stored raw message in bytes. */
  size: number;
}

export interface Department {
  id: string;
  name: string;
  /** Channel settings that differ from the organisation's for this department's replies. */
  channel?: Partial<Pick<DeskSettings, 'autoCcSupport' | 'agentNameInFrom'>>;
  createdAt: number;
}

/** A support address mail is accepted for: the default one and its aliases. */
export interface SupportAddress {
  address: string;
  name: string;
  departmentId: string;
  intake: boolean;
  isDefault: boolean;
  createdAt: number;
}

export interface Contact {
  id: string;
  name: string;
  email: string;
  emails: string[];
  createdAt: number;
  updatedAt: number;
}

export type Role = 'admin' | 'agent' | 'basic';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  departments: string[];
  active: boolean;
  passwordHash: string;
  createdAt: number;
}

/** Help-desk settings kept in the database and changed in the panel. */
export interface DeskSettings {
  /** Subject token; {number} is replaced by the ticket number. RFC-safe ASCII only. */
  subjectTokenFormat: string;
  firstTicketNumber: number;
  /** A requester reply to a closed ticket reopens it within this window; later opens a new ticket. */
  reopenWindowDays: number;
  acknowledge: boolean;
  /** At most this many acknowledgements per sender per hour (loop guard, RFC 3834 §2). */
  ackPerSenderPerHour: number;
  contactFromReplyTo: boolean;
  originalSenderCommand: boolean;
  /** Replies carry the support address the ticket came in on as CC, so the team mailbox keeps a copy. */
  autoCcSupport: boolean;
  /** From: shows the agent ("Brad <support@x>") instead of the From address's friendly name. */
  agentNameInFrom: boolean;
  /** Envelope sender bounce+<token>@<support domain>, so a bounce marks its reply failed (VERP). */
  verpBounces: boolean;
}

export const DEFAULT_SETTINGS: DeskSettings = {
  subjectTokenFormat: '[#{number}]',
  firstTicketNumber: 1001,
  reopenWindowDays: 14,
  acknowledge: true,
  ackPerSenderPerHour: 3,
  contactFromReplyTo: false,
  originalSenderCommand: true,
  autoCcSupport: false,
  agentNameInFrom: false,
  verpBounces: false,
};
