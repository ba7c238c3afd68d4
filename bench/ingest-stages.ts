// The two stages of ingest measured apart: first the MX accepts N mails (verdicts, durable
// spool, 250) while ticketing is held back, then ticketing runs on all of them at once.
//   npx tsx bench/ingest-stages.ts [messages=3000] [sessions=50] [bytes=2048] [only=accept|ticket]
// Prints each stage's rate, its main-thread busy ms per mail and the process's CPU per mail.
// With `only`, the other stage is left out of the CPU profile (`node --cpu-prof --import tsx`):
// accept leaves the mails unticketed, ticket spools them without a timing.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { driveInWorker } from './client-worker.js';
import { startApp } from '../src/app/app.js';
import type { SpoolEntry } from '../src/spool/spool.js';
import { testConfig, tempDir, DEFAULT_DNS } from '../test/helpers/app.js';
import { fixedResolver } from '../src/verdict/resolver.js';
import { createLogger } from '../src/log.js';

const [total = 3000, sessions = 50, bytes = 2048] = process.argv.slice(2, 5).map(Number);
const only = process.argv[5];
const dataDir = tempDir('mxdesk-stages-');
const app = await startApp(testConfig({ MXDESK_SMTP_MAX_CONNECTIONS_PER_IP: '1000' }, dataDir), { resolver: fixedResolver(DEFAULT_DNS), log: createLogger('silent') });

async function stage<T>(name: string, run: () => Promise<T>, profiled: boolean): Promise<T> {
  if (!profiled) return run();
  const t0 = performance.now();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const out = await run();
  const ms = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  console.log(`${name.padEnd(9)} ${((total / ms) * 1000).toFixed(0).padStart(5)} msg/s  main thread ${(elu.active / total).toFixed(2)} ms/mail busy (${(elu.utilization * 100).toFixed(0)}%)  process CPU ${((cpu.user + cpu.system) / 1000 / total).toFixed(2)} ms/mail`);
  return out;
}

const held: SpoolEntry[] = [];
const enqueue = app.ingestor.enqueue.bind(app.ingestor);
app.ingestor.enqueue = (entry) => {
  held.push(entry);
  return Promise.resolve();
};
await stage('accept', () => driveInWorker({ port: app.smtpPort, sessions, reuse: true, total, body: { kind: 'text', bytes } }), only !== 'ticket');
if (only !== 'accept') {
  await stage('ticketing', async () => {
    for (const e of held) void enqueue(e);
    await app.ingestor.idle();
  }, true);
}
await app.stop();
rmSync(dataDir, { recursive: true, force: true });
