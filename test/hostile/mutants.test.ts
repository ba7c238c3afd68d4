import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { spoolMessage, pendingSpool, type SpoolEntry } from '../../src/spool/spool.js';
import { newId } from '../../src/store/ids.js';
import type { Ticketed } from '../../src/ingest/ingest.js';
import { corpusMessages, corpusPresent, mutants, plainMail, type MutationName } from './mutants.js';

const MUTANTS = Number(process.env.MXDESK_MUTANTS ?? 10_000);
const SEED = Number(process.env.MXDESK_FAULT_SEED ?? 8);
/** Spool writes in flight at once, as concurrent SMTP sessions would make them. */
const CONCURRENCY = 16;

if (!corpusPresent) console.log('hostile: the shared corpus is absent; mutating a synthetic message only');

/**
 * The whole corpus and thousands of seeded mutants straight into the real spool → ingest
 * path (parseMail, classifyMail, threading, the store; no SMTP, for speed): nothing throws, nothing rejects
 * unhandled, memory stays bounded and every mail becomes a ticket (or is recognised as
 * a bounce or a duplicate) — none is left in the spool.
 */
describe('hostile mail into parse, classify and ingest', () => {
  let app: TestApp;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    app = await startTestApp({ login: false });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app?.close();
  });

  it(`tickets the corpus and ${MUTANTS} mutants without a crash, with bounded memory`, async () => {
    const corpus = corpusMessages();
    const bases = corpus.length ? corpus.map((c) => c.raw) : [plainMail('base')];
    const results = new Map<string, Ticketed>();
    app.ingestor.onTicketed((t) => results.set(t.entryId, t));
    const spooled: string[] = [];
    const thrown: string[] = [];
    const byMutation = new Map<MutationName | 'corpus', number>();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const started = Date.now();

    // Made one at a time as the workers take them: the RSS figure is the MX's, not the test's.
    function* everyMail() {
      for (const c of corpus) yield { name: 'corpus' as const, id: c.file, raw: c.raw };
      yield* mutants(bases, MUTANTS, SEED);
    }
    const source = everyMail();
    let next = 0;
    const worker = async () => {
      for (let item = source.next(); !item.done; item = source.next()) {
        const m = item.value;
        next++;
        byMutation.set(m.name, (byMutation.get(m.name) ?? 0) + 1);
        try {
          const entry: SpoolEntry = {
            id: newId(),
            receivedAt: Date.now(),
            envelope: { mailFrom: 'alice@example.com', rcptTo: ['support@support.test'], clientIp: '127.0.0.1', helo: 'hostile.test', tls: false },
            verdict: null,
            quarantine: false,
            size: m.raw.length,
          };
          await spoolMessage(app.db, entry, m.raw);
          spooled.push(entry.id);
          app.ingestor.enqueue(entry);
        } catch (err) {
          thrown.push(`${m.name} ${m.id}: ${(err as Error).stack?.split('\n').slice(0, 3).join(' ')}`);
        }
        if (next % 200 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await app.ingestor.idle();
    peak = Math.max(peak, process.memoryUsage().rss);
    const ms = Date.now() - started;

    const outcomes = new Map<string, number>();
    for (const r of results.values()) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    console.log(
      `hostile: ${next} mails (${corpus.length} corpus + ${MUTANTS} mutants: ${[...byMutation].map(([k, v]) => `${k} ${v}`).join(', ')}) in ${ms} ms; ` +
        `outcomes ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; RSS ${(rss0 / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB`,
    );
    expect(thrown).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(spooled.filter((id) => !results.has(id)).slice(0, 5)).toEqual([]);
    expect(await pendingSpool(app.db)).toEqual([]);
    // Mutants carry up to 1 MB headers and 3,000-deep nesting; a parser that buffered them
    // without bound, or leaked per mail, would pass this by hundreds of MB.
    expect(peak - rss0).toBeLessThan(1024 * 1024 * 1024);
  }, 600_000);
});
