// The store at size: tickets written straight into a store (bench/synthetic-tickets.ts),
// then a real mxdesk process (dist/main.js, as `npm start` runs it; the caller builds it)
// started on it, timed to
// its first /healthz 200, and asked through its HTTP API, one request at a time, for the
// first page of filtered lists, full-text searches and ticket pages. Figures are what a
// client sees, HTTP and JSON included.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Db } from '../src/store/db.js';
import { listDepartments } from '../src/store/directory.js';
import { tempDir, login } from '../test/helpers/app.js';
import { processEnv, startProcess, type Running } from '../test/helpers/process.js';
import { VOCABULARY, seededRandom, writeSyntheticTickets } from './synthetic-tickets.js';

export interface Latency {
  p50: number;
  p99: number;
  requests: number;
}

export interface AtScale {
  tickets: number;
  writeSeconds: number;
  /** Spawn to the first 200 from /healthz, on the full store. */
  startupMs: number;
  /** Resident memory of the process: after start, after all the requests, and its peak. */
  rssAfterStartMb: number;
  rssAfterRequestsMb: number;
  rssPeakMb: number;
  list: Latency;
  search: Latency;
  open: Latency;
  /** Each query's own figures. */
  detail: Record<string, Latency>;
}

const PASSWORD = 'bench-admin-password-1';

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function latency(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p99: at(99), requests: sorted.length };
}

async function stop(running: Running): Promise<void> {
  running.child.kill('SIGTERM');
  await running.exited;
}

/** Written into a kept store (`store`) once its tickets are all in: what a later run reuses. */
const WRITTEN = 'bench-store.json';

/**
 * `store`: a directory kept between runs (--store=DIR). Filled once, then reused as it is, so
 * runs compare on the same store and skip the minute of writing; without it, a temp dir
 * written afresh and removed afterwards.
 */
export async function measureAtScale(opts: { tickets: number; requests: number; store?: string; log?: (line: string) => void }): Promise<AtScale> {
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.store ? path.resolve(opts.store) : tempDir('mxdesk-bench-scale-');
  try {
    const { env, httpPort } = await processEnv(dataDir, { MXDESK_ADMIN_PASSWORD: PASSWORD, MXDESK_LOG_LEVEL: 'warn' });
    const marker = path.join(dataDir, WRITTEN);
    const kept = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as { tickets: number; first: number; last: number; departments: string[]; writeSeconds: number }) : null;
    if (kept && kept.tickets !== opts.tickets) throw new Error(`${dataDir} holds ${kept.tickets} tickets, not ${opts.tickets}: use another --store`);
    let first: number, last: number, departments: string[], writeSeconds: number;
    if (kept) {
      ({ first, last, departments, writeSeconds } = kept);
      log(`at scale: reusing the ${kept.tickets} tickets in ${dataDir}`);
    } else {
      if (existsSync(path.join(dataDir, 'db'))) throw new Error(`${dataDir} holds a store the bench did not finish writing: remove it`);
      // First start on the empty dir: the admin, the domain, the default department.
      await stop(await startProcess(env, { compiled: true }));

      const db = new Db(dataDir);
      await db.open();
      departments = (await listDepartments(db)).map((d) => d.id);
      const t0 = performance.now();
      ({ first, last } = await writeSyntheticTickets(db, { count: opts.tickets, departments: [...departments, 'd1', 'd2', 'd3', 'd4'] }));
      await db.level.put('!meta!seq:ticket', last as any);
      writeSeconds = (performance.now() - t0) / 1000;
      await db.close();
      if (opts.store) writeFileSync(marker, JSON.stringify({ tickets: opts.tickets, first, last, departments, writeSeconds }));
      log(`at scale: ${opts.tickets} tickets written in ${writeSeconds.toFixed(1)} s`);
    }

    const started = performance.now();
    const running = await startProcess(env, { compiled: true });
    const startupMs = performance.now() - started;
    const pid = running.child.pid!;
    const rssAfterStartMb = memory(pid).rss;
    try {
      const base = `http://127.0.0.1:${httpPort}`;
      const api = await login(base, env.MXDESK_ADMIN_EMAIL!, PASSWORD);
      const time = async (path: string): Promise<number> => {
        const s = performance.now();
        const res = await api(path);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
        return performance.now() - s;
      };
      const detail: Record<string, Latency> = {};
      // Each kind cycles through its queries; a few unmeasured requests first (JIT, caches).
      const measure = async (queries: Array<[string, () => string]>): Promise<Latency> => {
        const all: number[] = [];
        const each = new Map<string, number[]>(queries.map(([name]) => [name, []]));
        for (const [, path] of queries) await time(path());
        for (let i = 0; i < opts.requests; i++) {
          const [name, path] = queries[i % queries.length]!;
          const ms = await time(path());
          all.push(ms);
          each.get(name)!.push(ms);
        }
        for (const [name, times] of each) detail[name] = latency(times);
        return latency(all);
      };
      const dept = departments[0]!;
      const list = await measure([
        ['list: status=open', () => '/api/v1/tickets?status=open'],
        ['list: unassigned', () => '/api/v1/tickets?view=unassigned'],
        ['list: high priority', () => '/api/v1/tickets?view=high-priority'],
        ['list: one department, open', () => `/api/v1/tickets?department=${dept}&status=open`],
        ['list: tag', () => '/api/v1/tickets?tag=tag7'],
      ]);
      const search = await measure([
        ['search: common word', () => `/api/v1/tickets?q=${VOCABULARY[0]}`],
        ['search: mid-frequency word', () => `/api/v1/tickets?q=${VOCABULARY[200]}`],
        ['search: rare word', () => `/api/v1/tickets?q=${VOCABULARY[15_000]}`],
        ['search: two words', () => `/api/v1/tickets?q=${VOCABULARY[0]}+${VOCABULARY[1]}`],
        ['search: word + prefix as typed', () => `/api/v1/tickets?q=${VOCABULARY[3]}+${VOCABULARY[40]!.slice(0, 3)}`],
      ]);
      const rand = seededRandom(11);
      const open = await measure([['open a ticket', () => `/api/v1/tickets/${first + rand(last - first + 1)}`]]);
      const { rss, peak } = memory(pid);
      return { tickets: opts.tickets, writeSeconds, startupMs, rssAfterStartMb, rssAfterRequestsMb: rss, rssPeakMb: peak, list, search, open, detail };
    } finally {
      await stop(running);
    }
  } finally {
    if (!opts.store) rmSync(dataDir, { recursive: true, force: true });
  }
}
