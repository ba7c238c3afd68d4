import { createHmac } from 'node:crypto';

// Webhooks: what they are, when a failed delivery is tried again, and how a body is signed.
// Pure (HMAC is arithmetic, not I/O); the deliverer in src/webhooks/ does the sending.

export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.updated', 'message.received', 'message.sent', 'rating.received'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  /** The signing secret, sealed with the process secret (src/outbound/secret-box.ts). */
  secretSealed: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttempt {
  at: number;
  /** The receiver's HTTP status, or null when there was no answer (refused, timeout). */
  status: number | null;
  error: string | null;
  ms: number;
}

export interface Delivery {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  /** The exact body sent (and signed) on every attempt. */
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  nextAttemptAt: number;
  createdAt: number;
  finishedAt: number | null;
}

const MINUTE = 60_000;
/**
 * Waits after the 1st, 2nd, … failed attempt; after the last the delivery fails for good,
 * about 21 hours after the event. Growing waits, as GitHub and Stripe do, so that a
 * receiver that is down for an upgrade gets its events and one that is gone costs little.
 */
export const RETRY_WAITS_MS = [1, 5, 30, 120, 360, 720].map((m) => m * MINUTE);

/** When to try again after `failures` failed attempts, or null when it is time to give up. */
export function nextAttemptAfter(failures: number, at: number): number | null {
  const wait = RETRY_WAITS_MS[failures - 1];
  return wait === undefined ? null : at + wait;
}

/** A 2xx answer is the receiver saying it has the event; anything else is tried again. */
export const delivered = (status: number | null) => status !== null && status >= 200 && status < 300;

/**
 * X-Mxdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">. The time is
 * inside the signed text so that a receiver can refuse old replays (the scheme Stripe uses).
 */
export function signatureHeader(secret: string, body: string, atMs: number): string {
  const t = Math.floor(atMs / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
