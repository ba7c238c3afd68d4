import type { Logger } from 'pino';
import { Batch, type Db } from '../store/db.js';
import { getTicket } from '../store/tickets.js';
import { getSettings } from '../store/directory.js';
import type { SpoolEntry } from '../spool/spool.js';
import { getFromAddress, getOutbound, listFromAddresses, pendingOutbound, putOutbound } from '../store/outbound.js';
import type { OutboundItem } from './item.js';
import { chooseFromAddress, type FromAddress } from './from-address.js';
import { composeRaw, envelopeRecipients } from './compose.js';
import { describeRelayError, isPermanent, openRelay, type RelayError } from './relay.js';
import { unseal } from './secret-box.js';
import { nextAttemptAfter } from './schedule.js';
import { itemOfVerp, verpAddress } from './verp.js';

export interface OutboundConfig {
  /** Waits between attempts after a temporary failure, ms; the last one repeats. */
  retrySchedule: number[];
  /** Past this age (ms since queued) a temporary failure becomes final. */
  giveUpAfter: number;
  timeoutMs: number;
  /** Our name in EHLO. */
  hostname: string;
}

export interface WorkerDeps {
  db: Db;
  log: Logger;
  secret: Buffer;
  config: OutboundConfig;
  now?: () => number;
  /** Signs a composed mail (DKIM) before it leaves; identity when absent. */
  sign?: (raw: Buffer, item: OutboundItem) => Promise<Buffer>;
  /** Told the outcome of every attempt, for /metrics. */
  onAttempt?: (outcome: 'sent' | 'retrying' | 'failed') => void;
  /** Told after each attempt's outcome is stored, so open panels can show the new state. */
  onOutcome?: (item: OutboundItem) => void;
}

/** Mails sent at once; more would only queue up at the relays. */
const CONCURRENCY = 4;

/**
 * Sends what the outbound queue holds when it is due, through the relay of its From address.
 *
 * Exactly once, as far as SMTP allows: an item is marked 'sending' (synced) before the
 * attempt and its outcome is written (synced) after it. A crash in between leaves it
 * 'sending'; the next start sends it again. That repeat is a second copy only if the relay
 * had already taken the message — after our final "." and before its reply reached us
 * (RFC 5321 §4.1.1.4, and RFC 1047 on this very window). No client can close that window;
 * the repeat carries the same Message-ID, so mail clients show it once.
 */
export class OutboundWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<string>();
  /**
   * Due items left as they were this round — no From address to send them, or a store error —
   * looked at again after the first retry wait (or on the next wake), not in a tight loop.
   */
  private readonly setAside = new Set<string>();
  private readonly now: () => number;
  private readonly sentListeners: Array<(item: OutboundItem) => void> = [];

  constructor(private readonly deps: WorkerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Accounts for sends a crash interrupted, then starts sending. */
  async start(): Promise<void> {
    const { db, log } = this.deps;
    const interrupted = (await pendingOutbound(db)).filter((i) => i.state === 'sending');
    if (interrupted.length) {
      const batch = new Batch();
      for (const item of interrupted) {
        putOutbound(db, batch, {
          ...item,
          state: 'retrying',
          nextAttemptAt: this.now(),
          lastReply: 'mxdesk stopped during this attempt; sending again. If the relay had already taken it, the recipient gets a second copy with the same Message-ID.',
        });
      }
      await db.commit(batch, true);
      log.warn({ count: interrupted.length }, 'outbound: sends interrupted by the last stop are tried again');
    }
    this.wake();
  }

  /** Called after a relay took a message and that is on disk (webhooks: message.sent). */
  onSent(fn: (item: OutboundItem) => void): void {
    this.sentListeners.push(fn);
  }

  /** Looks at the queue now (after a reply is queued, or "retry now"). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) this.wake();
    });
  }

  /** Resolves when nothing due is being sent. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle();
  }

  isSending(id: string): boolean {
    return this.inFlight.has(id);
  }

  private async run(): Promise<void> {
    this.again = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.setAside.clear();
    const pending = await pendingOutbound(this.deps.db);
    const now = this.now();
    const due = pending.filter((i) => i.state !== 'sending' && i.nextAttemptAt <= now && !this.inFlight.has(i.id));
    for (let i = 0; i < due.length; i += CONCURRENCY) {
      await Promise.all(due.slice(i, i + CONCURRENCY).map((item) => this.attempt(item.id)));
      if (this.stopped) return;
    }
    const later = (await pendingOutbound(this.deps.db)).filter((i) => i.state !== 'sending' && !this.setAside.has(i.id));
    if (later.some((i) => i.nextAttemptAt <= this.now())) {
      this.again = true;
      return;
    }
    // Mail without a From address is looked at again after the first retry wait, or at once
    // when an admin changes From addresses (the API wakes the worker).
    const recheck = this.setAside.size ? this.now() + (this.deps.config.retrySchedule[0] ?? 60_000) : Infinity;
    const next = later.reduce((min, i) => Math.min(min, i.nextAttemptAt), recheck);
    if (Number.isFinite(next) && !this.stopped) {
      // setTimeout takes at most 2^31-1 ms; a longer wait is simply re-armed.
      this.timer = setTimeout(() => this.wake(), Math.min(Math.max(next - this.now(), 0), 2 ** 31 - 1));
      this.timer.unref();
    }
  }

  private async attempt(id: string): Promise<void> {
    const { db, log } = this.deps;
    this.inFlight.add(id);
    try {
      const claimed = await db.serial(() => this.claim(id));
      if (!claimed) return;
      const { item, from } = claimed;
      let outcome: OutboundItem;
      try {
        const raw = await this.compose(item);
        const password = from.passwordSealed ? unseal(this.deps.secret, from.passwordSealed) : undefined;
        const relay = await openRelay(from.relay, password, { hostname: this.deps.config.hostname, timeoutMs: this.deps.config.timeoutMs });
        try {
          if (relay.maxSize !== from.relayMaxSize) await this.rememberSize(from.id, relay.maxSize);
          const result = await relay.send({ from: item.envelopeFrom ?? item.from.email, to: envelopeRecipients(item) }, raw);
          const refused = result.rejected.length ? ` (refused: ${result.rejected.join(', ')})` : '';
          outcome = { ...item, state: 'sent', lastReply: result.response + refused, finishedAt: this.now() };
        } finally {
          relay.close();
        }
      } catch (err) {
        outcome = this.afterFailure(item, from, err as RelayError);
      }
      await db.serial(() => db.commit(putOutboundBatch(db, outcome), true));
      this.deps.onAttempt?.(outcome.state === 'sent' ? 'sent' : outcome.state === 'failed' ? 'failed' : 'retrying');
      this.deps.onOutcome?.(outcome);
      const entry = { id, ticket: item.ticketNumber, kind: item.kind, attempts: outcome.attempts, reply: outcome.lastReply };
      if (outcome.state === 'sent') {
        log.info(entry, 'outbound: accepted by the relay');
        for (const fn of this.sentListeners) fn(outcome);
      }
      else if (outcome.state === 'failed') log.warn(entry, 'outbound: failed; shown on the message');
      else log.info({ ...entry, nextAttemptAt: outcome.nextAttemptAt }, 'outbound: will try again');
    } catch (err) {
      // A store error: the item stays as it was and is looked at again later.
      this.setAside.add(id);
      log.error({ err, id }, 'outbound: could not process a queued mail');
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Marks the item 'sending' durably, with the From address whose relay will carry it. */
  private async claim(id: string): Promise<{ item: OutboundItem; from: FromAddress } | null> {
    const { db } = this.deps;
    const item = await getOutbound(db, id);
    const now = this.now();
    if (!item || (item.state !== 'queued' && item.state !== 'retrying') || item.nextAttemptAt > now) return null;
    const ticket = await getTicket(db, item.ticketNumber);
    const from = await this.fromFor(item, ticket?.departmentId ?? '');
    if (!from) {
      // Nothing was tried, so nothing is written: the mail stays 'queued' until an admin sets
      // up a From address, or fails once it has waited longer than outbound.giveUpAfter.
      if (now - (item.queuedAt ?? item.createdAt) > this.deps.config.giveUpAfter) {
        const failed: OutboundItem = { ...item, state: 'failed', lastReply: 'No active From address with a relay was set up for this ticket in time; nothing was sent.', finishedAt: now };
        await db.commit(putOutboundBatch(db, failed), true);
      } else {
        this.setAside.add(id);
      }
      return null;
    }
    // VERP goes to the domain the customer wrote to: ours, so the MX takes the bounce back.
    const verpDomain = ticket?.alias.split('@')[1];
    const envelopeFrom = item.envelopeFrom ?? ((await getSettings(db)).verpBounces && verpDomain ? verpAddress(this.deps.secret, item.id, verpDomain) : undefined);
    // Acknowledgements are queued by ingest, which knows no relays: they take the address
    // chosen for the ticket, keeping the support address when it is the From address itself.
    const sending: OutboundItem = {
      ...item,
      state: 'sending',
      attempts: item.attempts + 1,
      lastAttemptAt: now,
      fromAddressId: from.id,
      from: { email: from.address, name: item.from.name || from.name },
      envelopeFrom,
    };
    await db.commit(putOutboundBatch(db, sending), true);
    return { item: sending, from };
  }

  private async fromFor(item: OutboundItem, departmentId: string): Promise<FromAddress | undefined> {
    const { db } = this.deps;
    if (item.fromAddressId) {
      const chosen = await getFromAddress(db, item.fromAddressId);
      if (chosen?.enabled) return chosen;
    }
    return chooseFromAddress(await listFromAddresses(db), { alias: item.from.email, departmentId });
  }

  /**
   * A bounce to one of our VERP envelope senders fails that very mail. Only null-sender mail
   * counts (RFC 5321 §4.5.5: DSNs are sent with MAIL FROM:<>); an auto-reply to the envelope
   * sender is not a bounce. The bounce itself is ticketed by ingest as usual.
   */
  async noteBounce(entry: SpoolEntry): Promise<void> {
    const { db, log, secret } = this.deps;
    if (entry.envelope.mailFrom !== '') return;
    const ids = entry.envelope.rcptTo.map((r) => itemOfVerp(secret, r)).filter((id): id is string => id !== null);
    if (ids.length === 0) return;
    const raw = (await db.getBuffer(db.sub.raw, entry.id))?.subarray(0, 256 * 1024).toString('latin1') ?? '';
    // RFC 3464 §2.3.6 Diagnostic-Code, else §2.3.4 Status.
    const diagnostic = /^Diagnostic-Code:\s*(.+(?:\r?\n[ \t].+)*)/im.exec(raw)?.[1]?.replace(/\s+/g, ' ') ?? /^Status:\s*(\S+)/im.exec(raw)?.[1] ?? 'no reason given';
    for (const id of ids) {
      await db.serial(async () => {
        const item = await getOutbound(db, id);
        if (!item || item.state === 'failed' || item.state === 'cancelled') return;
        const failed: OutboundItem = { ...item, state: 'failed', lastReply: `Bounced after the relay accepted it: ${diagnostic}`, finishedAt: this.now() };
        await db.commit(putOutboundBatch(db, failed), true);
        log.warn({ id, ticket: item.ticketNumber, diagnostic }, 'outbound: a bounce came back for this mail');
      });
    }
  }

  private async compose(item: OutboundItem): Promise<Buffer> {
    const raw = await composeRaw(this.deps.db, item);
    return this.deps.sign ? this.deps.sign(raw, item) : raw;
  }

  private afterFailure(item: OutboundItem, from: FromAddress, err: RelayError): OutboundItem {
    const sentence = describeRelayError(err, from.relay);
    if (isPermanent(err)) return { ...item, state: 'failed', lastReply: sentence, finishedAt: this.now() };
    return this.retryOrGiveUp(item, sentence);
  }

  private retryOrGiveUp(item: OutboundItem, reason: string): OutboundItem {
    const { retrySchedule, giveUpAfter } = this.deps.config;
    const next = nextAttemptAfter(item.attempts, this.now(), retrySchedule);
    if (next - (item.queuedAt ?? item.createdAt) > giveUpAfter) {
      return { ...item, state: 'failed', lastReply: `Gave up after ${item.attempts} attempts. Last: ${reason}`, finishedAt: this.now() };
    }
    return { ...item, state: 'retrying', lastReply: reason, nextAttemptAt: next };
  }

  private async rememberSize(fromId: string, maxSize: number): Promise<void> {
    const { db } = this.deps;
    await db.serial(async () => {
      const current = await getFromAddress(db, fromId);
      if (current) await db.commit(new Batch().put(db.sub.fromaddr, fromId, { ...current, relayMaxSize: maxSize }), false);
    });
  }
}

function putOutboundBatch(db: Db, item: OutboundItem): Batch {
  const batch = new Batch();
  putOutbound(db, batch, item);
  return batch;
}
