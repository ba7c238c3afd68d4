import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { getMessage, messageByMessageId } from '../../src/store/tickets.js';
import { parseMail } from '../../src/ingest/parse.js';
import { withoutAckLimit, acknowledgedFiles, headerBlock, sendAll, sharedDir, type Sent } from './send-corpus.js';

const root = path.join(sharedDir, 'corpus');
const present = existsSync(path.join(root, 'FILES.tsv'));
if (!present) console.log(`skipped: the shared corpus is not at ${root}`);

/**
 * Machine-written by the header evidence the corpus MANIFEST uses for its categories
 * (RFC 3464/6522 reports, RFC 3834 Auto-Submitted and its forerunners, RFC 2369/2919 lists).
 */
function machineWritten(raw: Buffer): string | null {
  const head = headerBlock(raw);
  const rules: Array<[string, RegExp]> = [
    ['multipart/report', /^content-type:\s*multipart\/report/im],
    ['X-Failed-Recipients', /^x-failed-recipients:/im],
    ['Auto-Submitted', /^auto-submitted:\s*(?!no\b)\S/im],
    ['X-Autoreply/X-Autorespond', /^x-auto(reply|respond):/im],
    ['Precedence', /^precedence:\s*(auto_reply|bulk|junk|list)/im],
    ['List-Id', /^list-id:/im],
    ['From MAILER-DAEMON', /^from:.*\b(mailer-daemon|postmaster)@/im],
  ];
  return rules.find(([, re]) => re.test(head))?.[0] ?? null;
}

describe.skipIf(!present)('the shared corpus through SMTP', () => {
  let app: TestApp;
  let sent: Sent[];
  beforeAll(async () => {
    app = await startTestApp();
    await withoutAckLimit(app);
    const files = readFileSync(path.join(root, 'FILES.tsv'), 'utf8').split('\n').slice(1).map((l) => l.split('\t')[0]!).filter((f) => f && !f.endsWith('.json'));
    const started = Date.now();
    sent = await sendAll(app, files, root);
    const ms = Date.now() - started;
    console.log(`corpus: ${sent.length} messages in ${ms} ms (${((sent.length * 1000) / ms).toFixed(1)} msg/s, 8 sessions, sent and ticketed)`);
  }, 300_000);
  afterAll(() => app?.close());

  it('sends all 372 messages', () => {
    expect(sent.length).toBe(372);
  });

  it('answers each with 250 or a clear 5xx, never a temporary failure or a dropped connection', () => {
    const unclear = sent.filter((s) => s.reply.code !== 250 && !(s.reply.code >= 500 && /^5\.\d+\.\d+ /.test(s.reply.text)));
    expect(unclear.map((s) => `${s.file}: ${s.reply.code} ${s.reply.text}`)).toEqual([]);
    const refused = sent.filter((s) => s.reply.code !== 250);
    if (refused.length) console.log(`corpus: refused ${refused.length}:\n` + refused.map((s) => `  ${s.file}: ${s.reply.code} ${s.reply.text}`).join('\n'));
  });

  it('tickets every accepted message, or recognises it as a duplicate of a stored one', async () => {
    expect(await app.db.keys(app.db.sub.spool)).toEqual([]);
    const missing: string[] = [];
    for (const s of sent.filter((x) => x.queuedAs)) {
      if (await getMessage(app.db, s.queuedAs!)) continue;
      // As the MX stored it: SMTP carries CRLF lines (RFC 5321 §2.3.8), bare CR or LF become CRLF.
      const messageId = (await parseMail(Buffer.from(s.raw.toString('latin1').replace(/\r\n?|\n/g, '\r\n'), 'latin1'))).messageId;
      if (messageId && (await messageByMessageId(app.db, messageId))) continue;
      missing.push(s.file);
    }
    expect(missing).toEqual([]);
  });

  it('stays healthy', async () => {
    expect((await fetch(`http://127.0.0.1:${app.httpPort}/healthz`)).status).toBe(200);
    const page = await json(app.api('/api/v1/tickets?limit=5'));
    expect(page.items.length).toBe(5);
  });

  it('acknowledges no bounce, auto-reply or list mail', async () => {
    const acked = await acknowledgedFiles(app, sent);
    console.log(`corpus: ${acked.length} of ${sent.length} messages acknowledged`);
    const wrong = acked.map((f) => [f, machineWritten(sent.find((s) => s.file === f)!.raw)] as const).filter(([, why]) => why);
    expect(wrong.map(([f, why]) => `${f} (${why})`)).toEqual([]);
  });
});
