import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import type { BufferSub, Json, JsonSub, Sublevels } from './sublevels.js';
import { Batch, DELETED, isDiskFull, Overlay, overlayKey, type Op } from './batch.js';

// The key layout (sublevels.ts) and the batch (batch.ts) are what every store module uses with Db.
export { Batch, isDiskFull, type Op };
export type { BufferSub, JsonSub, Sublevels };

const cacheId = (prefix: string, key: string | null) => (key === null ? `${prefix}*` : `${prefix}=${key}`);

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
      account: json('account'),
      acdom: json('acdom'),
      acmem: json('acmem'),
      sent: json('sent'),
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
    const touched = this.touchedCached(ops);
    try {
      if (this.level.status === 'open') await (this.level as any)._batch(this.encode(ops), { sync });
      else await this.level.batch(ops as any, { sync });
      for (const op of ops) this.writes.set(op.sublevel, (this.writes.get(op.sublevel) ?? 0) + 1);
    } catch (err) {
      if (isDiskFull(err)) this.writeFailure ??= err;
      throw err;
    } finally {
      // Again after the write: a read that began while it was on disk may hold the old value.
      for (const id of touched) this.forget(id);
    }
  }

  private readonly encodings = new Map<JsonSub | BufferSub, { encode: (v: unknown) => unknown; format: string }>();

  /**
   * The ops as LevelDB takes them: prefixed keys, encoded values. This is what
   * abstract-level's batch() does before it hands them to classic-level's _batch() (its
   * documented private API); done here it costs a fifth: batch() copies every op with an
   * object spread and looks its encodings up again, which a profile of ingest showed as the
   * main thread's largest cost (a mail is some 40 ops: its search terms, list rows, records).
   * We use no hooks or write events, the only other things batch() adds.
   */
  private encode(ops: Op[]): unknown[] {
    return ops.map((op) => {
      if (typeof op.key !== 'string') throw new TypeError(`store: a key must be a string, not ${typeof op.key}`);
      const key = (op.sublevel as any).prefix + op.key;
      if (op.type === 'del') return { type: 'del', key, keyEncoding: 'utf8' };
      if (op.value === undefined || op.value === null) throw new TypeError('store: a value must not be null or undefined');
      let enc = this.encodings.get(op.sublevel);
      if (!enc) this.encodings.set(op.sublevel, (enc = (op.sublevel as any).valueEncoding()));
      return { type: 'put', key, keyEncoding: 'utf8', value: enc!.encode(op.value), valueEncoding: enc!.format };
    });
  }

  /**
   * Small records that every mail reads and people rarely change (settings, departments, the
   * rules, the webhooks): each is read from LevelDB once and then served from memory until a
   * write to it. Every write goes through write(), so no writer can forget to drop it.
   * By id (cacheId): one record, or a whole sublevel (a list).
   */
  private readonly cache = new Map<string, { generation: number; value: Promise<string | undefined> }>();
  private readonly cacheGeneration = new Map<string, number>();
  private readonly cachedPrefixes = new Set<string>();

  /**
   * `load()` once, then its result (a copy: callers may change what they get) until a write
   * to `sublevel` at `key` (or anywhere in it when `key` is null: a list). Inside a group that
   * wrote there, `load()` runs each time, so that it sees the group's pending writes.
   */
  async cached<T>(sublevel: JsonSub, key: string | null, load: () => Promise<T>): Promise<T> {
    const prefix = (sublevel as any).prefix as string;
    const overlay = this.overlays.getStore();
    if (overlay && (key === null ? overlay.prefixes.has(prefix) : overlay.has(overlayKey(sublevel, key)))) return load();
    const id = cacheId(prefix, key);
    this.cachedPrefixes.add(prefix);
    if (!this.cacheGeneration.has(id)) this.cacheGeneration.set(id, 1);
    const generation = this.cacheGeneration.get(id)!;
    let hit = this.cache.get(id);
    if (!hit || hit.generation !== generation) {
      // Kept as JSON text: each caller parses its own copy, some 4× cheaper than a
      // structuredClone of the value (measured; these are JSON records from the store).
      const entry = { generation, value: load().then((v) => (v === undefined ? undefined : JSON.stringify(v))) };
      this.cache.set(id, entry);
      entry.value.catch(() => this.cache.get(id) === entry && this.cache.delete(id));
      hit = entry;
    }
    const text = await hit.value;
    return (text === undefined ? undefined : JSON.parse(text)) as T;
  }

  /** Drops what `ops` change from the cache; returns the ids dropped. */
  private touchedCached(ops: Op[]): Set<string> {
    const touched = new Set<string>();
    if (this.cachedPrefixes.size === 0) return touched;
    for (const op of ops) {
      const prefix = (op.sublevel as any).prefix as string;
      if (!this.cachedPrefixes.has(prefix)) continue;
      for (const id of [cacheId(prefix, null), cacheId(prefix, op.key)]) if (this.cacheGeneration.has(id)) touched.add(id);
    }
    for (const id of touched) this.forget(id);
    return touched;
  }

  private forget(id: string): void {
    this.cacheGeneration.set(id, this.cacheGeneration.get(id)! + 1);
    this.cache.delete(id);
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
    return this.read(sublevel, key) as T | undefined;
  }

  /**
   * A record by key, read on this thread (classic-level's getSync): JSON records are small
   * and LevelDB answers them from its memtable or block cache in a few microseconds, where a
   * get() through the thread pool costs the main thread some 30 µs of promise and hand-over
   * work (measured), the largest read cost of ingest. Raw mails and attachments, which can be
   * megabytes, are still read asynchronously (getBuffer). While the store is (re)opening,
   * get() waits for it as before.
   */
  private read(sublevel: JsonSub, key: string): unknown {
    if (this.level.status !== 'open') return sublevel.get(key);
    if (typeof key !== 'string') throw new TypeError(`store: a key must be a string, not ${typeof key}`);
    return this.level.getSync((sublevel as any).prefix + key);
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
    const overlay = new Overlay();
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
