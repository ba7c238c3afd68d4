import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import type { AbstractSublevel } from 'abstract-level';

// The key layout of the whole store lives in src/store/; nobody else knows a key.
//
// sublevel   key                                   value
// meta       'seq:ticket' | 'settings' | ...       JSON
// spool      <id>                                  SpoolEntry: accepted, not yet ticketed
// raw        <message id>                          Buffer: the message as received (+ our headers)
// msg        <message id>                          Message
// tmsg       <ticket no>:<message id>              '' — messages of a ticket, in order
// mid        <Message-ID header, lower-case>       message id — duplicates and threading
// att        <attachment id>                       Buffer
// ticket     <ticket no>                           Ticket
// tidx       u:<updatedAt>:<no> | s:<st>:<upd>:<no> '' — ticket lists, newest last
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
}

export type Op =
  | { type: 'put'; sublevel: JsonSub | BufferSub; key: string; value: unknown }
  | { type: 'del'; sublevel: JsonSub | BufferSub; key: string };

/** Ops collected by domain code and committed at once: all of them or none. */
export class Batch {
  readonly ops: Op[] = [];
  put(sublevel: JsonSub | BufferSub, key: string, value: unknown): this {
    this.ops.push({ type: 'put', sublevel, key, value });
    return this;
  }
  del(sublevel: JsonSub | BufferSub, key: string): this {
    this.ops.push({ type: 'del', sublevel, key });
    return this;
  }
}

export class Db {
  readonly level: Level<string, Json>;
  readonly sub: Sublevels;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    const location = path.join(dataDir, 'db');
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
   * what it resolved survives a crash of the process or the machine. LevelDB groups
   * concurrent synced writers into one log write and one fsync, which is what lets many
   * SMTP sessions be durable at once without an fsync each.
   */
  async commit(batch: Batch, sync = true): Promise<void> {
    if (batch.ops.length === 0) return;
    await this.level.batch(batch.ops as any, { sync });
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
    return (await sublevel.get(key)) as T | undefined;
  }

  async getBuffer(sublevel: BufferSub, key: string): Promise<Buffer | undefined> {
    return ((await sublevel.get(key)) as Buffer | undefined) ?? undefined;
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
