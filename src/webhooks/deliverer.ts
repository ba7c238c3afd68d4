import type { Logger } from 'pino';
import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { getTicket, messagesOf } from '../store/tickets.js';
import { dueDeliveries, getDelivery, getWebhook, listWebhooks, putDelivery } from '../store/webhooks.js';
import { unseal } from '../outbound/secret-box.js';
import { delivered, nextAttemptAfter, signatureHeader, type Delivery, type WebhookEvent } from '../desk/webhooks.js';
import type { FullTicket, Message } from '../desk/types.js';
import type { LiveEvent } from '../http/live.js';

export const WEBHOOK_SECRET_PURPOSE = 'webhook-secret';
/** A receiver that has not answered in this time is counted as down (GitHub waits 10 s). */
const TIMEOUT_MS = 10_000;
/** Deliveries sent at once; more wait for the next round. */
const PER_ROUND = 20;
/** What a log entry keeps of an error. */
const ERROR_CHARS = 300;

export interface DelivererDeps {
  db: Db;
  log: Logger;
  secret: Buffer;
  now: () => number;
}

/**
 * Turns desk events into signed POSTs. An event is written to the queue (synced) for each
 * enabled webhook that wants it before anything is sent, so a crash loses none; a delivery
 * interrupted by a crash is sent again (at least once: receivers dedupe by X-Mxdesk-Delivery).
 */
export class WebhookDeliverer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Emits still being written, so that idle() and stop() wait for them. */
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly deps: DelivererDeps) {}

  /** Queues `event` for every enabled webhook subscribed to it. */
  async emit(event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    const { db, now } = this.deps;
    const hooks = (await listWebhooks(db)).filter((h) => h.enabled && h.events.includes(event));
    if (hooks.length === 0) return;
    const at = now();
    const batch = new Batch();
    for (const hook of hooks) {
      const id = newId(at);
      const body = JSON.stringify({ id, event, createdAt: at, data });
      putDelivery(db, batch, { id, webhookId: hook.id, event, body, state: 'pending', attempts: [], nextAttemptAt: at, createdAt: at, finishedAt: null });
    }
    await db.commit(batch, true);
    this.wake();
  }

  /** Maps what the live hub hears (ingest, updates, sent mail) to webhook events. */
  onLive(event: LiveEvent): void {
    const work = this.fromLive(event)
      .catch((err) => this.deps.log.error({ err, ticket: event.ticketNumber }, 'webhooks: could not queue an event'))
      .finally(() => this.writing.delete(work));
    this.writing.add(work);
  }

  private async fromLive(event: LiveEvent): Promise<void> {
    // Every ingested mail passes here: with no webhook that wants what this event can become,
    // read nothing more (the ticket and all its messages would be read for nobody).
    const wanted = new Set((await listWebhooks(this.deps.db)).filter((h) => h.enabled).flatMap((h) => h.events));
    const mayEmit: WebhookEvent[] =
      event.reason === 'new' ? ['ticket.created', 'message.received'] : event.reason === 'split' ? ['ticket.created'] : event.reason === 'updated' ? ['ticket.updated'] : event.reason === 'joined' ? ['message.received'] : event.reason === 'sent' ? ['message.sent'] : [];
    if (!mayEmit.some((e) => wanted.has(e))) return;
    const ticket = await getTicket(this.deps.db, event.ticketNumber);
    if (!ticket) return;
    const data = { ticket: ticketData(ticket) };
    // A ticket split off an old one is new to integrations too; its message was received before.
    if (event.reason === 'new' || event.reason === 'split') await this.emit('ticket.created', data);
    if (event.reason === 'updated') await this.emit('ticket.updated', data);
    if ((event.reason === 'new' || event.reason === 'joined' || event.reason === 'sent') && (wanted.has('message.received') || wanted.has('message.sent'))) {
      const messages = await messagesOf(this.deps.db, ticket.number);
      const direction = event.reason === 'sent' ? 'out' : 'in';
      const message = event.messageId ? messages.find((m) => m.id === event.messageId) : messages.filter((m) => m.direction === direction).at(-1);
      if (message) await this.emit(direction === 'in' ? 'message.received' : 'message.sent', { ...data, message: messageData(message) });
    }
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err) => this.deps.log.error({ err }, 'webhooks: delivery round failed'))
      .finally(() => {
        this.running = null;
        if (this.again) this.wake();
      });
  }

  /** Resolves when no event is being queued and nothing due is being sent. */
  async idle(): Promise<void> {
    while (this.writing.size || this.running) {
      await Promise.all(this.writing);
      await this.running;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.writing);
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    this.again = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const { due, nextAt } = await dueDeliveries(this.deps.db, this.deps.now(), PER_ROUND);
    await Promise.all(due.map((d) => this.attempt(d.webhookId, d.id)));
    if (this.stopped) return;
    if (due.length === PER_ROUND) {
      this.again = true;
      return;
    }
    if (nextAt !== null) {
      // setTimeout takes at most 2^31-1 ms; a longer wait is simply re-armed.
      this.timer = setTimeout(() => this.wake(), Math.min(Math.max(nextAt - this.deps.now(), 0), 2 ** 31 - 1));
      this.timer.unref();
    }
  }

  private async attempt(webhookId: string, id: string): Promise<void> {
    const { db, log, now } = this.deps;
    const [hook, d] = await Promise.all([getWebhook(db, webhookId), getDelivery(db, webhookId, id)]);
    if (!d || d.state !== 'pending') return;
    const started = now();
    const startedMs = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    if (!hook || !hook.enabled) {
      error = hook ? 'The webhook is disabled.' : 'The webhook was deleted.';
    } else {
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(TIMEOUT_MS),
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'mxdesk-webhooks',
            'X-Mxdesk-Event': d.event,
            'X-Mxdesk-Delivery': d.id,
            'X-Mxdesk-Signature': signatureHeader(unseal(this.deps.secret, hook.secretSealed, WEBHOOK_SECRET_PURPOSE), d.body, started),
          },
          body: d.body,
        });
        status = res.status;
        await res.body?.cancel();
        if (!delivered(status)) error = `The receiver answered ${status}.`;
      } catch (err) {
        error = (err as Error).name === 'TimeoutError' ? `No answer within ${TIMEOUT_MS / 1000} s.` : `Could not connect: ${(err as Error).message}`.slice(0, ERROR_CHARS);
      }
    }
    const attempts = [...d.attempts, { at: started, status, error, ms: Math.round(performance.now() - startedMs) }];
    const retryAt = hook?.enabled ? nextAttemptAfter(attempts.length, now()) : null;
    const next: Delivery = delivered(status)
      ? { ...d, attempts, state: 'delivered', finishedAt: now() }
      : retryAt === null ? { ...d, attempts, state: 'failed', finishedAt: now() } : { ...d, attempts, nextAttemptAt: retryAt };
    const batch = new Batch();
    putDelivery(db, batch, next, d);
    await db.commit(batch, true);
    log.info({ webhook: webhookId, delivery: id, event: d.event, status, state: next.state, attempts: attempts.length }, 'webhooks: delivery attempt');
  }
}

function ticketData(t: FullTicket) {
  return {
    number: t.number, subject: t.subject, status: t.status, priority: t.priority, severity: t.severity, departmentId: t.departmentId,
    assigneeId: t.assigneeId, requester: t.requester, tags: t.tags, createdAt: t.createdAt, updatedAt: t.updatedAt,
  };
}

function messageData(m: Message) {
  return {
    id: m.id, direction: m.direction, from: m.from, to: m.to, cc: m.cc, subject: m.subject, date: m.date, text: m.text,
    attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size })),
  };
}
