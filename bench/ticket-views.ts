// Measures the first page (50 rows) of each ticket view at a given store size.
// Run: npx tsx bench/ticket-views.ts [tickets=100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Batch, Db } from '../src/store/db.js';
import { listTickets, putTicket, ticketIndex, type IndexRange } from '../src/store/tickets.js';
import { listTicketsMerged } from '../src/store/merged-lists.js';
import { PRIORITIES, type FullTicket, type TicketStatus } from '../src/desk/types.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const STATUSES: TicketStatus[] = ['open', 'open', 'waiting', 'hold', 'closed', 'closed', 'closed', 'closed'];
const DEPARTMENTS = ['d0', 'd1', 'd2', 'd3', 'd4'];
const AGENTS = Array.from({ length: 10 }, (_, i) => `agent${i}`);
const DAY = 86_400_000;

const dir = mkdtempSync(path.join(tmpdir(), 'mxdesk-bench-'));
const db = new Db(dir);
await db.open();
const now = Date.now();
// mulberry32: a small seeded PRNG, so runs are comparable.
let seed = 42;
const rand = (n: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
};

const t0 = performance.now();
for (let start = 0; start < COUNT; start += 1000) {
  const batch = new Batch();
  for (let i = start; i < Math.min(start + 1000, COUNT); i++) {
    const created = now - (COUNT - i) * 60_000;
    const t: FullTicket = {
      number: 1001 + i, subject: `Ticket ${i}`, status: STATUSES[rand(STATUSES.length)]!, requester: { email: `c${i}@x.test`, name: '' },
      contactId: 'c', departmentId: DEPARTMENTS[rand(5)]!, alias: 'support@support.test', participants: [], messageCount: 1, flags: [], linkedTickets: [],
      createdAt: created, updatedAt: created + rand(30) * 60_000, priority: PRIORITIES[rand(4)]!, severity: 'S3',
      dueAt: rand(4) === 0 ? created + rand(20) * DAY : null, tags: rand(10) === 0 ? [`tag${rand(20)}`] : [],
      assigneeId: rand(3) === 0 ? null : AGENTS[rand(10)]!, customFields: {}, links: [], deletedAt: null,
    };
    putTicket(db, batch, t);
  }
  await db.commit(batch, false);
}
console.log(`${COUNT} tickets written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const views: Array<[string, IndexRange, ((t: FullTicket) => boolean) | undefined]> = [
  ['all, by updated', ticketIndex.updated(), undefined],
  ['status=open', ticketIndex.status('open'), undefined],
  ['mine (agent3)', ticketIndex.assignee('agent3'), undefined],
  ['mine & open', ticketIndex.assignee('agent3'), (t) => t.status === 'open'],
  ['unassigned', ticketIndex.assignee(null), undefined],
  ['department d2', ticketIndex.department('d2'), undefined],
  ['tag7', ticketIndex.tag('tag7'), undefined],
  ['tag7 & hold (rare)', ticketIndex.tag('tag7'), (t) => t.status === 'hold'],
  ['overdue', ticketIndex.due(now), (t) => t.status !== 'closed'],
  ['sort=priority', ticketIndex.priority(), undefined],
  ['agent sees 1 of 5 departments, by updated', ticketIndex.updated(), (t) => t.departmentId === 'd1'],
  ['open & department d1 (status index + filter)', ticketIndex.status('open'), (t) => t.departmentId === 'd1'],
  ['open & department d1 (department+status index)', ticketIndex.department('d1', 'open'), undefined],
  // Worst case: a filter the index cannot help with that matches nothing reads the whole range.
  ['worst: open & a department with no tickets', ticketIndex.status('open'), (t) => t.departmentId === 'none'],
];
for (const [name, range, match] of views) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 15; i++) {
    const s = performance.now();
    rows = (await listTickets(db, { range, limit: 50, match })).items.length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(46)} ${String(rows).padStart(3)} rows  median ${times[7]!.toFixed(2)} ms  max ${times[14]!.toFixed(2)} ms`);
}
const merged: Array<[string, IndexRange[]]> = [
  ['open of departments d1+d3 (merged department indexes)', [ticketIndex.department('d1', 'open'), ticketIndex.department('d3', 'open')]],
  ['open of d1+d3 via status index + filter (before)', []],
  ['worst before, now: open of two empty departments', [ticketIndex.department('none1', 'open'), ticketIndex.department('none2', 'open')]],
];
for (const [name, ranges] of merged) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 15; i++) {
    const s = performance.now();
    const page = ranges.length
      ? await listTicketsMerged(db, { ranges, limit: 50 })
      : await listTickets(db, { range: ticketIndex.status('open'), limit: 50, match: (t) => t.departmentId === 'd1' || t.departmentId === 'd3' });
    rows = page.items.length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(46)} ${String(rows).padStart(3)} rows  median ${times[7]!.toFixed(2)} ms  max ${times[14]!.toFixed(2)} ms`);
}
await db.close();
rmSync(dir, { recursive: true, force: true });
