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
}

export interface TicketView extends TicketSummary {
  participants: string[];
  linkedTickets: number[];
  messages: MessageView[];
}

export interface Me {
  id: string;
  email: string;
  name: string;
  role: string;
}

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
  const res = await fetch(`/api/v1${path}`, { ...init, headers, body, credentials: 'same-origin' });
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorised();
    throw new ApiFailure(res.status, data?.error?.code ?? 'http', data?.error?.message ?? res.statusText);
  }
  return data as T;
}
