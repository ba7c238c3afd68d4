// Ingest under load, for a CPU profile of the whole path (SMTP accept, spool, ticketing):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-ingest.ts [messages=3000] [sessions=50] [bytes=2048]
// Prints accept and ticketing rates.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { driveInWorker } from './client-worker.js';
import { startApp } from '../src/app/app.js';
import { testConfig, tempDir, DEFAULT_DNS } from '../test/helpers/app.js';
import { fixedResolver } from '../src/verdict/resolver.js';
import { createLogger } from '../src/log.js';

const [total = 3000, sessions = 50, bytes = 2048] = process.argv.slice(2).map(Number);
const dataDir = tempDir('mxdesk-prof-');
const app = await startApp(testConfig({ MXDESK_SMTP_MAX_CONNECTIONS_PER_IP: '1000' }, dataDir), { resolver: fixedResolver(DEFAULT_DNS), log: createLogger('silent') });
let ticketed = 0;
// 250 → ticketed, by spool id (the reply says "queued as <id>"), as npm run bench measures it.
const okAt = new Map<string, number>();
const ticketedAt = new Map<string, number>();
app.ingestor.onTicketed((t) => {
  ticketed++;
  ticketedAt.set(t.entryId, Date.now());
});
const t0 = performance.now();
const elu0 = performance.eventLoopUtilization();
const cpu0 = process.cpuUsage();
// The client runs in a worker thread (bench/client.ts): the profile is the server's.
const driven = await driveInWorker({ port: app.smtpPort, sessions, reuse: true, total, body: { kind: 'text', bytes } });
for (const [id, at] of driven.okAt) okAt.set(id, at);
const accepted = performance.now();
await app.ingestor.idle();
const done = performance.now();
// The main thread's busy time per mail: steadier than the rate on a shared machine.
const elu = performance.eventLoopUtilization(elu0);
// All threads: the client's worker, LevelDB's and libuv's too.
const cpu = process.cpuUsage(cpu0);
// Ticketed before its 250 went out (the MX holds the 250 while the backlog is full): 0 ms.
const visible = [...okAt].map(([id, at]) => Math.max(0, (ticketedAt.get(id) ?? NaN) - at)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
const pct = (p: number) => (visible[Math.min(visible.length - 1, Math.floor((p / 100) * visible.length))] ?? NaN).toFixed(0);
console.log(`accepted ${total} in ${((accepted - t0) / 1000).toFixed(2)} s (${(total / ((accepted - t0) / 1000)).toFixed(0)} msg/s); all ticketed after ${((done - t0) / 1000).toFixed(2)} s (${(total / ((done - t0) / 1000)).toFixed(0)} msg/s); ticketed ${ticketed}; 250→ticket p50 ${pct(50)} p99 ${pct(99)} ms; main thread ${(elu.active / total).toFixed(2)} ms/mail busy (${(elu.utilization * 100).toFixed(0)}%); process CPU ${((cpu.user + cpu.system) / 1000 / (done - t0) * 100).toFixed(0)}% (user ${(cpu.user / 1000 / total).toFixed(2)}, system ${(cpu.system / 1000 / total).toFixed(2)} ms/mail)`);
await app.stop();
rmSync(dataDir, { recursive: true, force: true });
