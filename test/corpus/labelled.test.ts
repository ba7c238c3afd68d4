import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { parseMail } from '../../src/ingest/parse.js';
import { classifyMail } from '../../src/ingest/classify.js';
import { withoutAckLimit, acknowledgedFiles, sendAll, sharedDir, type Sent } from './send-corpus.js';

const root = path.join(sharedDir, 'corpus-labelled');
const present = existsSync(path.join(root, 'LABELS.tsv'));
if (!present) console.log(`skipped: the labelled corpus is not at ${root}`);

const MACHINE = new Set(['bounce', 'autoreply', 'list']);

function labels(): Map<string, string> {
  const rows = readFileSync(path.join(root, 'LABELS.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  return new Map(rows.map((r) => r.split('\t')).map(([file, category]) => [file!, category!]));
}

describe.skipIf(!present)('the labelled corpus: classification against its labels', () => {
  let app: TestApp;
  let sent: Sent[];
  let label: Map<string, string>;
  beforeAll(async () => {
    app = await startTestApp();
    await withoutAckLimit(app);
    label = labels();
    sent = await sendAll(app, [...label.keys()], root);
  }, 300_000);
  afterAll(() => app?.close());

  it('accepts every labelled message', () => {
    expect(sent.filter((s) => s.reply.code !== 250).map((s) => `${s.file}: ${s.reply.code} ${s.reply.text}`)).toEqual([]);
  });

  it('never acknowledges a message labelled bounce, autoreply or list', async () => {
    const wrong = (await acknowledgedFiles(app, sent)).filter((f) => MACHINE.has(label.get(f)!));
    expect(wrong.map((f) => `${f} (${label.get(f)})`)).toEqual([]);
  });

  it('classifies bounces and auto-replies with high recall, and flags no normal mail', async () => {
    // Predicted class: bounce before autoreply before list, as the labels order them.
    const confusion = new Map<string, Map<string, number>>();
    const misses: string[] = [];
    for (const s of sent) {
      const c = classifyMail(await parseMail(s.raw), s.mailFrom);
      const predicted = c.bounce ? 'bounce' : c.autoReply ? 'autoreply' : c.list ? 'list' : 'person';
      const actual = label.get(s.file)!;
      const row = confusion.get(actual) ?? new Map<string, number>();
      row.set(predicted, (row.get(predicted) ?? 0) + 1);
      confusion.set(actual, row);
      const expected = MACHINE.has(actual) ? actual : 'person';
      if (predicted !== expected) misses.push(`  ${actual} → ${predicted}: ${s.file} [${c.reasons.join('; ')}]`);
    }
    const cols = ['bounce', 'autoreply', 'list', 'person'];
    const table = [`label \\ classify ${cols.map((c) => c.padStart(10)).join('')}`];
    for (const [actual, row] of [...confusion].sort()) table.push(`${actual.padEnd(17)} ${cols.map((c) => String(row.get(c) ?? 0).padStart(10)).join('')}`);
    console.log(`classify.ts against LABELS.tsv (${sent.length} messages):\n${table.join('\n')}\n${misses.length ? `differing from the label:\n${misses.join('\n')}` : 'no misclassification'}`);

    const count = (actual: string, predicted?: string) => {
      const row = confusion.get(actual) ?? new Map<string, number>();
      return predicted ? (row.get(predicted) ?? 0) : [...row.values()].reduce((a, b) => a + b, 0);
    };
    // Every bounce is machine mail; almost all are recognised as bounces.
    expect(count('bounce') - count('bounce', 'person')).toBe(count('bounce'));
    expect(count('bounce', 'bounce') / count('bounce')).toBeGreaterThanOrEqual(0.95);
    expect(count('autoreply', 'person')).toBe(0);
    const people = [...confusion.keys()].filter((k) => !MACHINE.has(k));
    const flagged = people.flatMap((k) => cols.slice(0, 2).map((c) => count(k, c))).reduce((a, b) => a + b, 0);
    expect(flagged).toBe(0);
  });
});
