// The help desk's records as plain data. Times are UTC milliseconds.

import type { AckTemplate } from './acknowledgement.js';

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
  /** When the status last changed; auto-close counts a Waiting ticket's days from here. */
  statusChangedAt?: number;
  // The help-desk fields below are optional in the stored form: records written before they
  // existed, and writers that do not care (ingest), leave them out; reads fill the defaults.
  priority?: Priority;
  severity?: Severity;
  dueAt?: number | null;
  /** Lower-case, unique. */
  tags?: string[];
  /** User id of the agent the ticket is assigned to. */
  assigneeId?: string | null;
  customFields?: Record<string, CustomFieldValue>;
  links?: ExternalLink[];
  /** In the Trash since then; purged 30 days later. */
  deletedAt?: number | null;
  /** Merged into that ticket: this number reads as that ticket from now on. */
  mergedInto?: number;
  /** Spans spent Waiting or On hold (to: null while it lasts); the SLA clock stops then. */
  slaPauses?: Array<{ from: number; to: number | null }>;
  /** What the SLA job last found (src/jobs/sla.ts): the next deadline and escalations done. */
  sla?: TicketSla;
  /** When the rating request went out (src/jobs/rating-requests.ts). */
  ratingRequestedAt?: number;
  /** The customer's satisfaction rating, from the public rating page. */
  rating?: Rating;
  /** How the ticket was opened; absent: by mail. */
  source?: TicketSource;
}

/** 'web-form': the help centre's form (src/http/routes/help-centre-pages.ts). */
export type TicketSource = 'mail' | 'web-form';

export type RatingValue = 'good' | 'neutral' | 'bad';

/** A customer's satisfaction rating (src/desk/ratings.ts). */
export interface Rating {
  value: RatingValue;
  comment: string;
  at: number;
}

export interface TicketSla {
  /** The next unmet SLA deadline; the overdue list reads it. Null when none runs. */
  nextDueAt: number | null;
  /** Escalations already run, e.g. "resolution@0.75": the Escalated view lists these tickets. */
  escalated: string[];
  /** Goals whose overdue notice went out ("firstResponse", "resolution"), so it goes out once. */
  overdueNoticed?: string[];
}

/** A ticket with every help-desk field present, as the store returns it. */
export type FullTicket = Ticket & Required<Pick<Ticket, keyof typeof TICKET_DEFAULTS>>;

export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'urgent'];
/** S1 Critical … S4 Low. */
export type Severity = 'S1' | 'S2' | 'S3' | 'S4';
export const SEVERITIES: readonly Severity[] = ['S1', 'S2', 'S3', 'S4'];
export type CustomFieldValue = string | number | boolean | null;

/** A reference to a record elsewhere, e.g. a CRM deal. */
export interface ExternalLink {
  type: string;
  id: string;
  url: string;
}

/** Fields added after the first release; records written before them read with these. */
export const TICKET_DEFAULTS = {
  priority: 'medium' as Priority,
  severity: 'S3' as Severity,
  dueAt: null as number | null,
  tags: [] as string[],
  assigneeId: null as string | null,
  customFields: {} as Record<string, CustomFieldValue>,
  links: [] as ExternalLink[],
  deletedAt: null as number | null,
};

/** A ticket as stored, older records included, with every field present. */
export function withTicketDefaults(t: Ticket): FullTicket {
  return { ...TICKET_DEFAULTS, ...t } as FullTicket;
}

/**
 * withTicketDefaults for a record nobody else holds (just parsed from the store by a list):
 * fills the missing fields in place instead of copying every field. The copy was the
 * largest cost of a list page at 100k tickets (a CPU profile), a page reading 50-100 records.
 */
export function fillTicketDefaults(t: Ticket): FullTicket {
  const r = t as unknown as Record<string, unknown>;
  for (const [k, v] of DEFAULT_ENTRIES) if (r[k] === undefined) r[k] = v;
  return t as FullTicket;
}
const DEFAULT_ENTRIES = Object.entries(TICKET_DEFAULTS);

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
  | 'forward'
  /** Written on the help centre's form or in its portal, not sent by mail. */
  | 'web-form';

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
  /** This department's acknowledgement of new tickets; absent = the built-in text. */
  acknowledgement?: AckTemplate;
  /** Waiting tickets of this department close after this many days; unset: the desk default. */
  autoCloseDays?: number;
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
  /** The primary address; `emails` holds it and the secondary ones, lower-case. */
  email: string;
  emails: string[];
  phone?: string;
  notes?: string;
  /** Facts about the customer that rules test, e.g. keyAccount: true. */
  fields?: Record<string, string | number | boolean>;
  /** The company (Account) the contact works for. */
  accountId?: string;
  createdAt: number;
  updatedAt: number;
}

/** A customer company: its contacts are the people who write from its domains. */
export interface Account {
  id: string;
  name: string;
  /** Lower-case mail domains; a new contact from one of them joins the account. */
  domains: string[];
  notes: string;
  keyAccount: boolean;
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
  /** The panel's language for this user, wherever they log in; unset follows the browser. */
  language?: 'en' | 'es';
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
  /** 'all': agents see every department's tickets; 'own': only their departments'. Admins see all. */
  agentVisibility: 'all' | 'own';
  /** Waiting tickets without a customer reply close after this many days (a department may override). */
  autoCloseDays: number;
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
  // Security by default: a new agent sees only the departments they are a member of.
  agentVisibility: 'own',
  autoCloseDays: 7,
  autoCcSupport: false,
  agentNameInFrom: false,
  verpBounces: false,
};
