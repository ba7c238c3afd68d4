import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { spoolMessage, pendingSpool, type SpoolEntry } from '../../src/spool/spool.js';
import { newId } from '../../src/store/ids.js';
import type { Ticketed } from '../../src/ingest/ingest.js';
import { corpusMessages, corpusPresent, mutants, plainMail, type MutationName } from './mutants.js';
import { SmtpClient } from '../helpers/smtp-client.js';

const MUTANTS = Number(process.env.MXDESK_MUTANTS ?? 10_000);
const SEED = Number(process.env.MXDESK_FAULT_SEED ?? 8);
/** Spool writes in flight at once, as concurrent SMTP sessions would make them. */
const CONCURRENCY = 16;
/** Of the mutants above, every SMTP_EVERY-th also goes over real SMTP (the test below). */
const SMTP_EVERY = Number(process.env.MXDESK_SMTP_MUTANTS_EVERY ?? 20);
const SMTP_SESSIONS = 8;

/**
 * The DATA of a hostile mail as a careless or malicious client sends it: its bytes as they
 * are (bare CR and LF, NULs, 8-bit), with only the dot-stuffing of RFC 5321 §4.5.2 so that
 * the mail ends where the client means it to. The server unstuffs a dot after any LF, so
 * every such dot is doubled.
 */
function rawData(raw: Buffer): Buffer {
  const stuffed = Buffer.from(raw.toString('latin1').replace(/(^|\n)\./g, '$1..'), 'latin1');
  const ending = stuffed.subarray(-2).toString('latin1') === '\r\n' ? '.\r\n' : '\r\n.\r\n';
  return Buffer.concat([stuffed, Buffer.from(ending)]);
}

if (!corpusPresent) console.log('hostile: the shared corpus is absent; mutating a synthetic message only');

/** A test app for a describe block, and the unhandled rejections seen while it runs. */
function hostileRun(): { app: TestApp; unhandled: unknown[] } {
  const run = { app: undefined as unknown as TestApp, unhandled: [] as unknown[] };
  const onUnhandled = (err: unknown) => run.unhandled.push(err);
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    run.app = await startTestApp({ login: false });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await run.app?.close();
  });
  return run;
}

/**
 * The whole corpus and thousands of seeded mutants straight into the real spool → ingest
 * path (parseMail, classifyMail, threading, the store; no SMTP, for speed): nothing throws, nothing rejects
 * unhandled, memory stays bounded and every mail becomes a ticket (or is recognised as
 * a bounce or a duplicate) — none is left in the spool.
 */
describe('hostile mail into parse, classify and ingest', () => {
  const run = hostileRun();

  it(`tickets the corpus and ${MUTANTS} mutants without a crash, with bounded memory`, async () => {
    const { app, unhandled } = run;
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
          void app.ingestor.enqueue(entry);
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

/**
 * A sample of the same seeded mutants through the real MX: the SMTP session, the DATA
 * stream, the verdicts, the spool and ingest, with the bytes as sent (not normalised). Each
 * mail gets a 250 and becomes a ticket (or a bounce, a duplicate), or a 5xx; never a 4xx,
 * never a dropped session; the session goes on to the next mail after a refusal.
 */
describe('hostile mail over real SMTP', () => {
  const run = hostileRun();

  it(`every ${SMTP_EVERY}th of the ${MUTANTS} mutants: 250 and ticketed, or 5xx`, async () => {
    const { app, unhandled } = run;
    const ticketed = new Set<string>();
    app.ingestor.onTicketed((t) => ticketed.add(t.entryId));
    const corpus = corpusMessages();
    const sample = [...mutants(corpus.length ? corpus.map((c) => c.raw) : [plainMail('base')], MUTANTS, SEED)].filter((_, i) => i % SMTP_EVERY === 0);
    const queued: string[] = [];
    const replies = new Map<string, number>();
    const wrong: string[] = [];
    const started = Date.now();
    let next = 0;
    const session = async () => {
      const { client } = await SmtpClient.connect(app.smtpPort);
      await client.send('EHLO hostile.example.com');
      while (next < sample.length) {
        const m = sample[next++]!;
        const mailFrom = await client.send('MAIL FROM:<alice@example.com>');
        const rcpt = await client.send('RCPT TO:<support@support.test>');
        const go = await client.send('DATA');
        if (mailFrom.code !== 250 || rcpt.code !== 250 || go.code !== 354) {
          wrong.push(`${m.name} ${m.id}: before DATA ${mailFrom.code} ${rcpt.code} ${go.raw}`);
          break;
        }
        client.write(rawData(m.raw));
        const r = await client.read();
        replies.set(`${m.name} ${String(r.code)[0]}xx`, (replies.get(`${m.name} ${String(r.code)[0]}xx`) ?? 0) + 1);
        if (r.code === 250) queued.push(/queued as (\S+)/.exec(r.text)?.[1] ?? `(no id) ${m.id}`);
        else if (r.code < 500 || r.code > 599) wrong.push(`${m.name} ${m.id}: ${r.raw || 'connection closed'}`);
      }
      await client.quit();
    };
    await Promise.all(Array.from({ length: SMTP_SESSIONS }, session));
    await app.ingestor.idle();
    console.log(`hostile over SMTP: ${sample.length} mutants in ${Date.now() - started} ms; ${[...replies].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(wrong).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(queued.filter((id) => !ticketed.has(id)).slice(0, 5)).toEqual([]);
    expect(await pendingSpool(app.db)).toEqual([]);
  }, 600_000);
});
