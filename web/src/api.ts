import type { Address, MessageFlag, TicketFlag, TicketStatus, VerdictSummary } from '../../src/desk/types.js';

// The shapes the API answers with (src/http/routes/tickets.ts).

export interface TicketSummary {
  number: number;
  subject: string;
  status: TicketStatus;
  requester: Address;
  department: { id: string; name: string };
  alias: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
  flags: TicketFlag[];
  priority?: string;
  severity?: string;
  tags?: string[];
  assignee?: { id: string; name: string } | null;
  unread?: boolean;
  starred?: boolean;
}

export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  cid?: string;
}

export interface MessageView {
  id: string;
  direction: 'in' | 'out';
  from: Address;
  to: Address[];
  cc: Address[];
  subject: string;
  date: number;
  receivedAt: number;
  text: string;
  /** The raw HTML part: only ever used to decide whether to show the sandboxed frame. */
  html: string | null;
  attachments: AttachmentView[];
  verdict: VerdictSummary | null;
  flags: MessageFlag[];
  messageId?: string;
  author?: { id: string; name: string };
  /** Outbound mail only: where its delivery through the relay stands (src/outbound/item.ts). */
  delivery?: Delivery;
}

export interface Delivery {
  state: 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled';
  attempts: number;
  lastReply: string | null;
  nextAttemptAt: number | null;
}

export interface SlaGoal {
  dueAt: number | null;
  metAt: number | null;
  breached: boolean;
}

export interface ExternalLink {
  type: string;
  id: string;
  url: string;
}

export type CustomValue = string | number | boolean | null;

export interface TicketView extends TicketSummary {
  participants: string[];
  linkedTickets: number[];
  messages: MessageView[];
  contactId?: string;
  /** The requester's company, when their contact belongs to one. */
  account?: { id: string; name: string; keyAccount?: boolean } | null;
  dueAt?: number | null;
  overdue?: boolean;
  customFields?: Record<string, CustomValue>;
  links?: ExternalLink[];
  sla?: { policyId: string; paused: boolean; firstResponse: SlaGoal | null; resolution: SlaGoal | null } | null;
}

export interface Me {
  id: string;
  email: string;
  name: string;
  role: string;
  departments?: string[];
  /** Chosen in the panel and kept on the user (PATCH /users/me); null follows the browser. */
  language?: 'en' | 'es' | null;
}

/** Basic agents read and comment; mail leaves only through agents and admins (src/desk/access.ts). */
export const maySend = (me: Me) => me.role === 'admin' || me.role === 'agent';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorised: () => void = () => undefined;

// The session's CSRF token (src/http/sessions.ts): login and /auth/me hand it over, and the
// server refuses any change made with the cookie but without it in X-CSRF-Token. Kept in
// memory only: a reload asks /auth/me again.
let csrfToken = '';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The app shows the login screen when any call says the session is gone. */
export function whenUnauthorised(fn: () => void): void {
  onUnauthorised = fn;
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  if (!SAFE_METHODS.has((init.method ?? 'GET').toUpperCase()) && csrfToken) headers.set('x-csrf-token', csrfToken);
  const res = await fetch(`/api/v1${path}`, { ...init, headers, body, credentials: 'same-origin' });
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorised();
    throw new ApiFailure(res.status, data?.error?.code ?? 'http', data?.error?.message ?? res.statusText);
  }
  if (typeof data?.csrfToken === 'string') csrfToken = data.csrfToken;
  if (path === '/auth/logout') csrfToken = '';
  return data as T;
}
