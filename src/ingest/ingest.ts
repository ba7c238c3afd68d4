import type { Logger } from 'pino';
import type { Batch, Db } from '../store/db.js';
import { getRaw } from '../store/inbound.js';
import { acceptedRaw, releaseSpool, pendingSpool, type SpoolEntry } from '../spool/spool.js';
import type { Routing } from '../smtp/server.js';
import { parseMail, type Mail } from './parse.js';
import { ticketMail, type TicketMailDeps, type Ticketed } from './ticket-mail.js';

export type { Ticketed };

export interface IngestDeps {
  db: Db;
  log: Logger;
  secret: Buffer;
  routing: () => Routing;
  now?: () => number;
}


/**
 * Messages read and parsed ahead of the ones being written, so the serial section (decide
 * and write) never waits for a read or a parse; bounded in count and in bytes so a burst of
 * 25 MB messages cannot take all memory.
 */
const PREFETCH = 32;
const PREFETCH_BYTES = 32 * 1024 * 1024;
/** At most this many messages share one write. */
const GROUP = 32;
/**
 * Accepted messages not yet ticketed past which enqueue() makes the MX wait before its 250
 * (the message is durable already; only the reply waits). Ticketing costs the main thread
 * more per mail than accepting does, so without a bound a burst builds a backlog that makes
 * mail seconds late to show as a ticket (benchmark: 250 → ticket p99 of 5 s at 50 sessions).
 * Measured at 50 sessions, 2 KB: a bound of 32 gave a p99 of ~180 ms, 16 ~110 ms, 8 ~85 ms,
 * at the same rate (the main thread is the limit either way); the sessions waiting for room
 * add their mails meanwhile, so groups still fill.
 */
const BACKLOG = 8;
/**
 * And in bytes: ticketing costs grow with a mail's size (parsing, search terms). At 50 KB,
 * 50 sessions, a bound of 8 mails alone gave a p99 of ~200 ms; with 128 KB, ~75 ms at the
 * same rate. Mail of 2 KB meets the count first.
 */
const BACKLOG_BYTES = 128 * 1024;

interface Prepared {
  entry: SpoolEntry;
  mail: Mail | null;
}

/**
 * Turns spooled messages into tickets, one at a time and in arrival order. Each message's
 * ticket changes, its acknowledgement and the release of its spool entry are one atomic
 * batch: after a crash the entry is either still spooled (and done again) or fully done.
 */
export class Ingestor {
  private queue: SpoolEntry[] = [];
  private running = false;
  private waiters: Array<() => void> = [];
  /** Enqueued and not yet through ticketGroup, and the MX sessions waiting for room. */
  private backlog = 0;
  private backlogBytes = 0;
  private roomWaiters: Array<() => void> = [];
  private listeners: Array<(t: Ticketed) => void> = [];
  /** What ticketing one mail needs (ticket-mail.ts), made once. */
  private readonly mailDeps: TicketMailDeps;

  constructor(private readonly deps: IngestDeps) {
    this.mailDeps = { ...deps, now: deps.now ?? Date.now };
  }

  onTicketed(fn: (t: Ticketed) => void): void {
    this.listeners.push(fn);
  }

  /** Resolves at once, or when the backlog is back under its bound (see BACKLOG). */
  enqueue(entry: SpoolEntry): Promise<void> {
    this.queue.push(entry);
    this.backlog++;
    this.backlogBytes += entry.size;
    if (!this.running) void this.drain();
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private hasRoom(): boolean {
    return this.backlog <= BACKLOG && this.backlogBytes <= BACKLOG_BYTES;
  }

  /** Tickets whatever was accepted before the last stop or crash. */
  async replay(): Promise<number> {
    const pending = await pendingSpool(this.deps.db);
    for (const e of pending) void this.enqueue(e);
    return pending.length;
  }

  /** Resolves when every enqueued message is ticketed. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    const ahead: Array<{ prepared: Promise<Prepared>; ready: boolean; size: number }> = [];
    while (this.queue.length || ahead.length) {
      let bytes = ahead.reduce((n, a) => n + a.size, 0);
      while (ahead.length < PREFETCH && this.queue.length && (ahead.length === 0 || bytes + this.queue[0]!.size <= PREFETCH_BYTES)) {
        const entry = this.queue.shift()!;
        bytes += entry.size;
        const slot = { prepared: this.prepare(entry), ready: false, size: entry.size };
        slot.prepared.then(() => (slot.ready = true));
        ahead.push(slot);
      }
      // The next message, and those after it that are already parsed: one write for all.
      const group = [await ahead.shift()!.prepared];
      while (ahead.length && ahead[0]!.ready && group.length < GROUP) group.push(await ahead.shift()!.prepared);
      const results = await this.ticketGroup(group);
      this.backlog -= group.length;
      for (const p of group) this.backlogBytes -= p.entry.size;
      if (this.hasRoom()) for (const w of this.roomWaiters.splice(0)) w();
      for (const r of results) for (const fn of this.listeners) fn(r);
    }
    this.running = false;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Tickets a group of messages in one serial section and one commit. If the group fails,
   * each message is tried alone, so that one bad message cannot hold back the others;
   * a message that fails alone stays spooled for the next start. Nothing is lost.
   */
  private async ticketGroup(group: Prepared[]): Promise<Ticketed[]> {
    const { db, log } = this.deps;
    try {
      const results = await db.serial(() =>
        db.group(async (batch) => {
          const out: Ticketed[] = [];
          for (const { entry, mail } of group) out.push(mail ? await ticketMail(this.mailDeps, entry, mail, batch) : this.releaseMissing(entry, batch));
          return out;
        }),
      );
      const sids = new Map(group.map((p) => [p.entry.id, p.entry.sid]));
      for (const r of results) log.info({ sid: sids.get(r.entryId), id: r.entryId, ticket: r.ticketNumber, outcome: r.outcome, acknowledged: r.acknowledged, reasons: r.reasons }, 'ingest: ticketed');
      return results;
    } catch (err) {
      if (group.length > 1) return (await Promise.all(group.map((p) => this.ticketGroup([p])))).flat();
      log.error({ err, id: group[0]!.entry.id }, 'ingest: could not ticket a message; it stays in the spool');
      return [];
    }
  }

  /** Reads and parses a spooled message; never rejects (parseMail keeps what it can read). */
  private async prepare(entry: SpoolEntry): Promise<Prepared> {
    try {
      const raw = acceptedRaw(entry) ?? (await getRaw(this.deps.db, entry.id));
      return { entry, mail: raw ? await parseMail(raw) : null };
    } catch (err) {
      this.deps.log.error({ err, id: entry.id }, 'ingest: could not read a spooled message');
      return { entry, mail: null };
    }
  }

  /** A spool entry whose raw message is gone was finished before (a replay after a crash). */
  private releaseMissing(entry: SpoolEntry, batch: Batch): Ticketed {
    releaseSpool(this.deps.db, batch, entry.id);
    return { entryId: entry.id, ticketNumber: null, outcome: 'duplicate', acknowledged: false };
  }
}
