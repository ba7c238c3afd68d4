// Measures full-text search (GET /tickets?q= reads searchTickets) at a given store size:
// tickets with one message each, bodies drawn from a skewed vocabulary so that some words
// are in most tickets and others in a handful, like real mail.
// Run: npx tsx bench/search.ts [tickets=100000]
// Writing 100k tickets takes minutes; BENCH_DIR=<dir> keeps the store there and reuses it.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Batch, Db, pad } from '../src/store/db.js';
import { putMessage, putTicket } from '../src/store/tickets.js';
import { searchTickets } from '../src/store/search-index.js';
import type { FullTicket, Message } from '../src/desk/types.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const WORDS_PER_BODY = 60;
const RUNS = 40;

let seed = 7;
// mulberry32: a small seeded PRNG, so runs are comparable.
const rand = (n: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
};
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'de', 'po', 'gra', 'ste', 'qu', 'bel', 'din'];
const VOCABULARY = Array.from({ length: 20_000 }, (_, i) => {
  let w = '';
  for (let k = i + 1; k > 0; k = Math.floor(k / SYLLABLES.length)) w += SYLLABLES[k % SYLLABLES.length];
  return w;
});
// Skewed: word i is drawn about 1/(i+1) as often as word 0 (a rough Zipf law).
const word = () => VOCABULARY[Math.floor(Math.exp(Math.random() * Math.log(VOCABULARY.length))) - 1]!;

const keep = process.env.BENCH_DIR;
const reuse = keep !== undefined && existsSync(path.join(keep, 'db'));
const dir = keep ?? mkdtempSync(path.join(tmpdir(), 'mxdesk-bench-search-'));
mkdirSync(dir, { recursive: true });
const db = new Db(dir);
await db.open();
const now = Date.now();
const t0 = performance.now();
for (let start = 0; start < (reuse ? 0 : COUNT); start += 1000) {
  const batch = new Batch();
  for (let i = start; i < Math.min(start + 1000, COUNT); i++) {
    const number = 1001 + i;
    const created = now - (COUNT - i) * 60_000;
    const email = `customer${rand(20_000)}@example${rand(500)}.test`;
    const subject = `${word()} ${word()} ${word()}`;
    const t: FullTicket = {
      number, subject, status: 'open', requester: { email, name: `Name${rand(5000)} Surname${rand(5000)}` }, contactId: 'c', departmentId: `d${rand(5)}`,
      alias: 'support@support.test', participants: [email], messageCount: 1, flags: [], linkedTickets: [], createdAt: created, updatedAt: created,
      priority: 'medium', severity: 'S3', dueAt: null, tags: [], assigneeId: null, customFields: {}, links: [], deletedAt: null,
    };
    const m: Message = {
      id: `m${number}`, ticketNumber: number, direction: 'in', messageId: `${number}@example.test`, references: [], from: t.requester, to: [{ email: 'support@support.test', name: '' }], cc: [],
      subject, date: created, receivedAt: created, text: Array.from({ length: WORDS_PER_BODY }, word).join(' '), html: null,
      attachments: rand(10) === 0 ? [{ id: `a${number}`, filename: `report-${word()}.pdf`, contentType: 'application/pdf', size: 1000, inline: false }] : [],
      verdict: null, envelope: null, flags: [], size: 2000,
    };
    putTicket(db, batch, t);
    putMessage(db, batch, m);
  }
  await db.commit(batch, false);
}
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
