// Measures full-text search (GET /tickets?q= reads searchTickets) at a given store size:
// tickets with one message each, bodies drawn from a skewed vocabulary so that some words
// are in most tickets and others in a handful, like real mail.
// Run: npx tsx bench/search.ts [tickets=100000]
// Writing 100k tickets takes minutes; BENCH_DIR=<dir> keeps the store there and reuses it.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db, pad } from '../src/store/db.js';
import { searchTickets } from '../src/store/search-index.js';
import type { FullTicket } from '../src/desk/types.js';
import { VOCABULARY, writeSyntheticTickets } from './synthetic-tickets.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const RUNS = 40;

const keep = process.env.BENCH_DIR;
const reuse = keep !== undefined && existsSync(path.join(keep, 'db'));
const dir = keep ?? mkdtempSync(path.join(tmpdir(), 'mxdesk-bench-search-'));
mkdirSync(dir, { recursive: true });
const db = new Db(dir);
await db.open();
const t0 = performance.now();
if (!reuse) await writeSyntheticTickets(db, { count: COUNT, plain: true, departments: ['d0', 'd1', 'd2', 'd3', 'd4'] });
if (!reuse) console.log(`${COUNT} tickets with bodies written and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const sample = (await db.get<FullTicket>(db.sub.ticket, pad(1001 + Math.floor(COUNT / 2), 10)))!.requester.email;
const queries: Array<[string, string, ((t: FullTicket) => boolean) | undefined]> = [
  ['common word', VOCABULARY[0]!, undefined],
  ['mid-frequency word', VOCABULARY[200]!, undefined],
  ['rare word', VOCABULARY[15_000]!, undefined],
  ['two common words', `${VOCABULARY[0]} ${VOCABULARY[1]}`, undefined],
  ['common + rare word', `${VOCABULARY[0]} ${VOCABULARY[15_000]}`, undefined],
  ['prefix of 2 letters (as typed)', 'ka', undefined],
  ['word + prefix', `${VOCABULARY[3]} ${VOCABULARY[40]!.slice(0, 3)}`, undefined],
  ['address', sample, undefined],
  ['common word, agent sees 1 of 5 departments', VOCABULARY[0]!, (t) => t.departmentId === 'd1'],
  ['no match', 'zzzzzz', undefined],
];
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
for (const [name, text, match] of queries) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    rows = (await searchTickets(db, { text, limit: 50, match })).items.length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} ${String(rows).padStart(3)} rows  p50 ${pct(times, 50).toFixed(1)} ms  p99 ${pct(times, 99).toFixed(1)} ms`);
}
await db.close();
if (!keep) rmSync(dir, { recursive: true, force: true });
