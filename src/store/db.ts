import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import type { AbstractSublevel } from 'abstract-level';

// The key layout of the whole store lives in src/store/; nobody else knows a key.
//
// sublevel   key                                   value
// meta       'seq:ticket' | 'settings' | 'ratings' | ...  JSON
// spool      <id>                                  SpoolEntry: accepted, not yet ticketed
// raw        <message id>                          Buffer: the message as received (+ our headers)
// msg        <message id>                          Message
// tmsg       <ticket no>:<message id>              '' — messages of a ticket, in order
// mid        <Message-ID header, lower-case>       message id — duplicates and threading
// att        <attachment id>                       Buffer
// ticket     <ticket no>                           Ticket
// tidx       <view>:…:<no>                         '' — ticket lists and views, see tickets.ts indexKeys
// attof      <attachment id>                       message id — whose ticket may read it
// timeline   <ticket no>:<entry id>                TimelineEntry
// comment    <ticket no>:<comment id>              Comment
// notice     <user id>:<notification id>           Notification
// task       <user id>:<task id>                   Task
// token      <sha256 of secret>                    ApiToken
// audit      <entry id>                            AuditEntry (ids sort by time)
// seen       <user id>:<ticket no>                 updatedAt of the ticket when the user last read it
// star       <user id>:<ticket no>                 '' — the user's Starred folder
// draft      <user id>:<ticket no>                 Draft — the user's unsent composer on that ticket
// contact    <id>                                  Contact
// email      <address>                             contact id
// dept       <id>                                  Department
// addr       <support address>                     SupportAddress
// user       <id>                                  User
// login      <email>                               user id
// session    <sha256 of token>                     Session
// outq       <id>                                  OutboundItem still to send (queued, sending, retrying)
// outdone    <id>                                  OutboundItem finished (sent, failed, cancelled)
//                                                  — the id is the ticket message's id
// fromaddr   <id>                                  FromAddress with its relay (password sealed)
// dkim       <domain>                              DkimKey (private key sealed)
// rate       <kind>:<key>                          number[] of timestamps
// fts        <term>:<ticket no>                    '' — full-text search, see search-index.ts
// hook, hookdel, hookq                             webhooks, their delivery log and queue, see webhooks.ts
// slapol     <id>                                  SlaPolicy
// rule       <id>                                  Rule (automation), run in order of `position`

type Json = any;
export type JsonSub = AbstractSublevel<Level<string, Json>, string | Buffer | Uint8Array, string, Json>;
export type BufferSub = AbstractSublevel<Level<string, Json>, string | Buffer | Uint8Array, string, Buffer>;

export interface Sublevels {
  meta: JsonSub;
  spool: JsonSub;
  raw: BufferSub;
  msg: JsonSub;
  tmsg: JsonSub;
  mid: JsonSub;
  att: BufferSub;
  ticket: JsonSub;
  tidx: JsonSub;
  contact: JsonSub;
  email: JsonSub;
  dept: JsonSub;
  addr: JsonSub;
  user: JsonSub;
  login: JsonSub;
  session: JsonSub;
  outq: JsonSub;
  outdone: JsonSub;
  fromaddr: JsonSub;
  dkim: JsonSub;
  rate: JsonSub;
  attof: JsonSub;
  timeline: JsonSub;
  comment: JsonSub;
  notice: JsonSub;
  task: JsonSub;
  token: JsonSub;
  audit: JsonSub;
  seen: JsonSub;
  draft: JsonSub;
  star: JsonSub;
  fts: JsonSub;
  hook: JsonSub;
  hookdel: JsonSub;
  hookq: JsonSub;
  slapol: JsonSub;
  rule: JsonSub;
}

export type Op =
  | { type: 'put'; sublevel: JsonSub | BufferSub; key: string; value: unknown }
  | { type: 'del'; sublevel: JsonSub | BufferSub; key: string };

const DELETED = Symbol('deleted');
type Overlay = Map<string, unknown>;
const overlayKey = (sublevel: JsonSub | BufferSub, key: string) => `${(sublevel as any).prefix}${key}`;

/** Ops collected by domain code and committed at once: all of them or none. */
export class Batch {
  readonly ops: Op[] = [];
  /** When set (Db.group), what this batch writes is what reads in the group see. */
  constructor(private readonly overlay?: Overlay) {}
  put(sublevel: JsonSub | BufferSub, key: string, value: unknown): this {
    this.ops.push({ type: 'put', sublevel, key, value });
    this.overlay?.set(overlayKey(sublevel, key), value);
    return this;
  }
  del(sublevel: JsonSub | BufferSub, key: string): this {
    this.ops.push({ type: 'del', sublevel, key });
    this.overlay?.set(overlayKey(sublevel, key), DELETED);
    return this;
  }
}

/** True when a store error says the disk (or the file system's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err as any, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (e.code === 'ENOSPC' || /ENOSPC|No space left|quota exceeded/i.test(String(e.message))) return true;
  }
  return false;
}

/**
 * Free space needed before the store is reopened after a full disk. Reopening replays
 * LevelDB's log into a table of up to write_buffer_size (LevelDB's default, 4 MiB) and
 * starts a new log; with less, the reopen itself would fail and leave the store closed.
 */
const REOPEN_HEADROOM_BYTES = 4 * 1024 * 1024 + 512 * 1024;

export class Db {
  readonly level: Level<string, Json>;
  readonly sub: Sublevels;
  private readonly location: string;
  private chain: Promise<unknown> = Promise.resolve();
  /** The disk-full error that made the store refuse writes, until it is reopened. */
  private writeFailure: unknown = null;
  private reopening: Promise<void> | null = null;

  constructor(dataDir: string) {
    const location = path.join(dataDir, 'db');
    this.location = location;
    mkdirSync(location, { recursive: true });
    this.level = new Level<string, Json>(location, { valueEncoding: 'json' });
    const json = (name: string) => this.level.sublevel<string, Json>(name, { valueEncoding: 'json' }) as JsonSub;
    const buffer = (name: string) => this.level.sublevel<string, Buffer>(name, { valueEncoding: 'buffer' }) as BufferSub;
    this.sub = {
      meta: json('meta'),
      spool: json('spool'),
      raw: buffer('raw'),
      msg: json('msg'),
      tmsg: json('tmsg'),
      mid: json('mid'),
      att: buffer('att'),
      ticket: json('ticket'),
      tidx: json('tidx'),
      contact: json('contact'),
      email: json('email'),
      dept: json('dept'),
      addr: json('addr'),
      user: json('user'),
      login: json('login'),
      session: json('session'),
      outq: json('outq'),
      outdone: json('outdone'),
      fromaddr: json('fromaddr'),
      dkim: json('dkim'),
      rate: json('rate'),
      attof: json('attof'),
      timeline: json('timeline'),
      comment: json('comment'),
      notice: json('notice'),
      task: json('task'),
      token: json('token'),
      audit: json('audit'),
      seen: json('seen'),
      star: json('star'),
      fts: json('fts'),
      hook: json('hook'),
      hookdel: json('hookdel'),
      hookq: json('hookq'),
      slapol: json('slapol'),
      rule: json('rule'),
      draft: json('draft'),
    };
  }

  async open(): Promise<void> {
    await this.level.open();
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.level.close();
  }

  /**
   * Commits a batch atomically. `sync` fsyncs LevelDB's write-ahead log before resolving:
   * what it resolved survives a crash of the process or the machine.
   */
  async commit(batch: Batch, sync = true): Promise<void> {
    if (batch.ops.length === 0) return;
    if (sync) return this.commitGrouped(batch);
    await this.write(batch.ops, false);
  }

  /**
   * Every write goes through here, so that the store recovers from a full disk without a
   * restart. LevelDB keeps the first background error (a table it could not write) and
   * refuses every later write until the database is reopened (db_impl.cc, bg_error_); and a
   * log record torn by ENOSPC must not be followed by more records in the same log, which
   * recovery would drop with it (log_reader.cc skips the rest of a corrupt block). So after
   * a disk-full error the next write first reopens the store — on a fresh log — once the
   * disk has room again; until then it fails with the same disk-full error (SMTP: 452).
   */
  private async write(ops: Op[], sync: boolean): Promise<void> {
    if (this.writeFailure) await this.reopenAfterFailure();
    try {
      await this.level.batch(ops as any, { sync });
      for (const op of ops) this.writes.set(op.sublevel, (this.writes.get(op.sublevel) ?? 0) + 1);
    } catch (err) {
      if (isDiskFull(err)) this.writeFailure ??= err;
      throw err;
    }
  }

  private reopenAfterFailure(): Promise<void> {
    this.reopening ??= (async () => {
      const fs = await fsp.statfs(this.location);
      if (fs.bavail * fs.bsize < REOPEN_HEADROOM_BYTES) throw this.writeFailure;
      await this.level.close();
      await this.level.open();
      // Sublevels close with their parent but do not reopen with it.
      await Promise.all(Object.values(this.sub).map((s: JsonSub | BufferSub) => s.open()));
      this.writeFailure = null;
    })().finally(() => (this.reopening = null));
    return this.reopening;
  }

  private readonly writes = new Map<JsonSub | BufferSub, number>();

  /**
   * Changes whenever a write to `sublevel` has committed: a reader may keep what it derived
   * from that sublevel (e.g. the folder counts from the ticket index) while it stays the same.
   */
  generation(sublevel: JsonSub | BufferSub): number {
    return this.writes.get(sublevel) ?? 0;
  }

  private pendingSync: Array<{ batch: Batch; resolve: () => void; reject: (e: unknown) => void }> = [];
  private syncInFlight = false;

  /**
   * Group commit: while one synced write is on disk, the batches that arrive wait and then
   * go together in the next write, with one fsync for all of them. Each caller still
   * resolves only when its own ops are durable, and a failed write fails every batch in
   * it (none of them is durable). Without this, every SMTP session holds a libuv thread
   * in fsync and everything else (ticketing, the API) queues behind them.
   */
  private commitGrouped(batch: Batch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingSync.push({ batch, resolve, reject });
      if (!this.syncInFlight) void this.flushSynced();
    });
  }

  private async flushSynced(): Promise<void> {
    this.syncInFlight = true;
    while (this.pendingSync.length) {
      const group = this.pendingSync.splice(0);
      const ops = group.length === 1 ? group[0]!.batch.ops : group.flatMap((g) => g.batch.ops);
      try {
        await this.write(ops, true);
        for (const g of group) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.syncInFlight = false;
  }

  /**
   * Runs read-modify-write sections one after another, so that two writers never decide on
   * the same stale read (ticket numbers, threading, status changes).
   */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  async get<T>(sublevel: JsonSub, key: string): Promise<T | undefined> {
    const pending = this.fromOverlay(sublevel, key);
    if (pending) return pending.value as T | undefined;
    return (await sublevel.get(key)) as T | undefined;
  }

  async getBuffer(sublevel: BufferSub, key: string): Promise<Buffer | undefined> {
    const pending = this.fromOverlay(sublevel, key);
    if (pending) return pending.value as Buffer | undefined;
    return ((await sublevel.get(key)) as Buffer | undefined) ?? undefined;
  }

  private readonly overlays = new AsyncLocalStorage<Overlay>();

  private fromOverlay(sublevel: JsonSub | BufferSub, key: string): { value: unknown } | null {
    const overlay = this.overlays.getStore();
    if (!overlay) return null;
    const k = overlayKey(sublevel, key);
    if (!overlay.has(k)) return null;
    const v = overlay.get(k);
    return { value: v === DELETED ? undefined : v };
  }

  /**
   * Several read-modify-write steps with one commit: `fn` gets one batch, and every read
   * made inside `fn` (by key, through get/getBuffer) sees what the batch already holds, as
   * if it were committed. Only code running in `fn` sees it; other readers see the store.
   * Ingest uses it to ticket a burst of mail with one write instead of one per message.
   */
  async group<T>(fn: (batch: Batch) => Promise<T>, sync = false): Promise<T> {
    const overlay: Overlay = new Map();
    const batch = new Batch(overlay);
    const result = await this.overlays.run(overlay, () => fn(batch));
    await this.commit(batch, sync);
    return result;
  }

  async values<T>(sublevel: JsonSub, opts: { gte?: string; lt?: string; limit?: number; reverse?: boolean } = {}): Promise<T[]> {
    return (await sublevel.values({ ...opts, limit: opts.limit ?? -1 }).all()) as T[];
  }

  async keys(sublevel: JsonSub | BufferSub, opts: { gte?: string; gt?: string; lt?: string; lte?: string; limit?: number; reverse?: boolean } = {}): Promise<string[]> {
    return (await (sublevel as JsonSub).keys({ ...opts, limit: opts.limit ?? -1 }).all()) as string[];
  }
}

/** Fixed-width decimal so that keys sort like numbers. */
export function pad(n: number, width = 15): string {
  return String(n).padStart(width, '0');
}
