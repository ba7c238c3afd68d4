// npm run bench: durable ingest throughput and latency of mxdesk against a bare
// smtp-server that only drains DATA (the ceiling for Node on this machine), driven by the
// same client (in a worker thread: bench/client.ts); then the store at 100k tickets (bench/at-scale.ts): list, search and ticket
// latency through the HTTP API of a real process, its start-up time and memory.
// Prints tables, writes bench-results/latest.{json,md}.
// Flags: --quick (one ingest shape, 20k tickets), --messages=N (per ingest run),
// --tickets=N (store size; 0 skips it), --only=ingest|scale, --store=DIR (keep the store at
// size there and reuse it on later runs), --sessions=N (only the ingest shapes with N
// sessions), --sizes=N (only the first N message sizes: 1 = 2 KB).
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { corpusMessages, type Body } from './client.js';
import { driveInWorker } from './client-worker.js';
import { startApp } from '../src/app/app.js';
import { testConfig, tempDir, DEFAULT_DNS } from '../test/helpers/app.js';
import { fixedResolver } from '../src/verdict/resolver.js';
import { createLogger } from '../src/log.js';
import { execFileSync } from 'node:child_process';
import { measureAtScale, type AtScale, type Latency } from './at-scale.js';

interface Run {
  target: 'mxdesk' | 'bare';
  size: string;
  sessions: number;
  reuse: boolean;
  messages: number;
  seconds: number;
  perSecond: number;
  dataToOkP50: number;
  dataToOkP99: number;
  okToTicketP99?: number;
  /** Messages per second from the first connection until the last one is a ticket. */
  ticketedPerSecond?: number;
}

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const MESSAGES = Number(args.get('messages') ?? 2000);
const quick = args.has('quick');
const TICKETS = Number(args.get('tickets') ?? (quick ? 20_000 : 100_000));
const only = args.get('only');
/** Requests per kind (list, search, open) against the store at size. */
const REQUESTS = quick ? 100 : 300;

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function bareServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => cb());
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server as any).server.address().port, close: () => new Promise((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const sizes: Array<{ name: string; body: Body }> = [
    { name: '2 KB', body: { kind: 'text', bytes: 2048 } },
    { name: '50 KB', body: { kind: 'text', bytes: 50 * 1024 } },
  ];
  const corpus = corpusMessages().length;
  if (corpus) sizes.push({ name: `corpus mix (${corpus})`, body: { kind: 'corpus' } });
  else console.log('bench: ../shared/corpus not found, corpus mix skipped');
  const shapes = quick ? [{ sessions: 5, reuse: true }] : [
    { sessions: 5, reuse: true },
    { sessions: 50, reuse: true },
    { sessions: 5, reuse: false },
    { sessions: 50, reuse: false },
  ];
  const runs: Run[] = [];
  const sessionsOnly = args.has('sessions') ? Number(args.get('sessions')) : null;
  const sizeCount = args.has('sizes') ? Number(args.get('sizes')) : quick ? 1 : sizes.length;
  for (const size of only === 'scale' ? [] : sizes.slice(0, sizeCount)) {
    for (const shape of shapes.filter((s) => sessionsOnly === null || s.sessions === sessionsOnly)) {
      const total = shape.reuse ? MESSAGES : Math.min(MESSAGES, 1000);
      // Bare server: the ceiling.
      const bare = await bareServer();
      const b = await driveInWorker({ port: bare.port, ...shape, total, body: size.body });
      await bare.close();
      runs.push({ target: 'bare', size: size.name, ...shape, messages: total, seconds: b.seconds, perSecond: total / b.seconds, dataToOkP50: pct(b.latencies, 50), dataToOkP99: pct(b.latencies, 99) });

      // mxdesk: durable accept, verdicts (fixed DNS), ticketing.
      const dataDir = tempDir('mxdesk-bench-');
      const config = testConfig({ MXDESK_SMTP_MAX_CONNECTIONS_PER_IP: '1000', MXDESK_LOG_LEVEL: 'silent' }, dataDir);
      const app = await startApp(config, { resolver: fixedResolver(DEFAULT_DNS), log: createLogger('silent') });
      const ticketedAt = new Map<string, number>();
      app.ingestor.onTicketed((t) => ticketedAt.set(t.entryId, Date.now()));
      const began = performance.now();
      // The client maps 250 replies to spool ids through the reply text "queued as <id>".
      const m = await driveInWorker({ port: app.smtpPort, ...shape, total, body: size.body });
      await app.ingestor.idle();
      const ticketedSeconds = (performance.now() - began) / 1000;
      // A message may be ticketed before its 250 has gone out (the MX holds the 250 while the
      // ticketing backlog is full): visible when the 250 came, 0 ms.
      const visible = m.okAt.map(([id, at]) => Math.max(0, (ticketedAt.get(id) ?? NaN) - at)).filter((v) => !Number.isNaN(v));
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
      visible.sort((a, c) => a - c);
      runs.push({ target: 'mxdesk', size: size.name, ...shape, messages: total, seconds: m.seconds, perSecond: total / m.seconds, dataToOkP50: pct(m.latencies, 50), dataToOkP99: pct(m.latencies, 99), okToTicketP99: pct(visible, 99), ticketedPerSecond: total / ticketedSeconds });
      const last = runs.at(-1)!;
      console.log(`${size.name.padEnd(18)} ${String(shape.sessions).padStart(2)} sessions ${shape.reuse ? 'reuse  ' : 'one/msg'}  mxdesk ${last.perSecond.toFixed(0).padStart(5)} msg/s  bare ${runs.at(-2)!.perSecond.toFixed(0).padStart(5)} msg/s  ratio ${(last.perSecond / runs.at(-2)!.perSecond).toFixed(2)}  DATA→250 p50 ${last.dataToOkP50.toFixed(1)} p99 ${last.dataToOkP99.toFixed(1)} ms  250→ticket p99 ${last.okToTicketP99!.toFixed(1)} ms  all ticketed ${last.ticketedPerSecond!.toFixed(0)} msg/s`);
    }
  }
  let scale: AtScale | null = null;
  if (TICKETS > 0 && only !== 'ingest') {
    // The process runs as `npm start` runs it: compiled, not through tsx.
    console.log('\nbuilding dist/ (tsc) for the real process…');
    execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: path.resolve(import.meta.dirname, '..'), stdio: 'inherit' });
    scale = await measureAtScale({ tickets: TICKETS, requests: REQUESTS, store: args.get('store'), log: console.log });
    const f = (l: Latency) => `p50 ${l.p50.toFixed(1)} ms  p99 ${l.p99.toFixed(1)} ms`;
    console.log(`${TICKETS} tickets: start-up ${scale.startupMs.toFixed(0)} ms, RSS ${scale.rssAfterStartMb.toFixed(0)} MB after start, ${scale.rssAfterRequestsMb.toFixed(0)} MB after the requests, ${scale.rssPeakMb.toFixed(0)} MB peak`);
    console.log(`  first page of a filtered list  ${f(scale.list)}`);
    console.log(`  full-text search               ${f(scale.search)}`);
    console.log(`  open a ticket                  ${f(scale.open)}`);
    for (const [name, l] of Object.entries(scale.detail)) console.log(`    ${name.padEnd(34)} ${f(l)}`);
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
  const outDir = path.resolve(import.meta.dirname, '../bench-results');
  mkdirSync(outDir, { recursive: true });
  const command = `npm run bench --${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`;
  writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ machine, at: new Date().toISOString(), command, runs, scale }, null, 2));
  const ms = (n: number) => n.toFixed(1);
  const md = [
    `Machine: ${machine}. Command: \`${command}\`.`,
    ...(runs.length ? [
      '',
      '| size | sessions | connections | mxdesk msg/s | bare msg/s | ratio | DATA→250 p50 ms | DATA→250 p99 ms | 250→ticket p99 ms | all ticketed msg/s |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...runs.filter((r) => r.target === 'mxdesk').map((r) => {
        const bare = runs.find((x) => x.target === 'bare' && x.size === r.size && x.sessions === r.sessions && x.reuse === r.reuse)!;
        return `| ${r.size} | ${r.sessions} | ${r.reuse ? 'reused' : 'one per message'} | ${r.perSecond.toFixed(0)} | ${bare.perSecond.toFixed(0)} | ${(r.perSecond / bare.perSecond).toFixed(2)} | ${r.dataToOkP50.toFixed(1)} | ${r.dataToOkP99.toFixed(1)} | ${r.okToTicketP99!.toFixed(1)} | ${r.ticketedPerSecond!.toFixed(0)} |`;
      }),
    ] : []),
    ...(scale ? [
      '',
      `With ${scale.tickets.toLocaleString('en')} tickets in the store (a real process, through the HTTP API, ${scale.list.requests} requests each, one at a time):`,
      '',
      '| measure | p50 | p99 | target |',
      '|---|---|---|---|',
      `| first page of a filtered list | ${ms(scale.list.p50)} ms | ${ms(scale.list.p99)} ms | p99 ≤ 20 ms |`,
      `| full-text search | ${ms(scale.search.p50)} ms | ${ms(scale.search.p99)} ms | p99 ≤ 50 ms |`,
      `| open a ticket | ${ms(scale.open.p50)} ms | ${ms(scale.open.p99)} ms | |`,
      `| start-up (spawn → /healthz 200) | ${scale.startupMs.toFixed(0)} ms | | ≤ 2 s |`,
      `| RSS after start / after the requests / peak | ${scale.rssAfterStartMb.toFixed(0)} / ${scale.rssAfterRequestsMb.toFixed(0)} / ${scale.rssPeakMb.toFixed(0)} MB | | ≤ 200 MB |`,
    ] : []),
  ].join('\n');
  writeFileSync(path.join(outDir, 'latest.md'), md + '\n');
  console.log('\n' + md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
