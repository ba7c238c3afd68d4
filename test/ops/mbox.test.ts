import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mboxEntry, readMbox } from '../../src/mbox/mbox.js';

async function readAll(text: Buffer | string, chunk = 7) {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  // Small chunks: a From_ line or a quoted line split across reads must still be seen whole.
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  const out = [];
  for await (const m of readMbox(Readable.from(parts))) out.push(m);
  return out;
}

describe('mbox (RFC 4155, mboxrd quoting)', () => {
  const first = Buffer.from('From: a@example.com\r\nSubject: one\r\n\r\nFrom the start.\r\n>From quoted once.\r\n\r\nFrom here too\r\n', 'latin1');
  const second = Buffer.concat([Buffer.from('From: MAILER-DAEMON@example.com\nSubject: two\n\nCaf', 'latin1'), Buffer.from([0xe9]), Buffer.from('\n', 'latin1')]);

  it('writes From_ lines in asctime form and quotes body lines that start with From or >From', () => {
    const entry = mboxEntry(first, 'a@example.com', Date.UTC(2026, 0, 5, 9, 4, 3)).toString('latin1');
    expect(entry.split('\n')[0]).toBe('From a@example.com Mon Jan  5 09:04:03 2026');
    expect(entry).toContain('\n>From the start.\r\n>>From quoted once.\r\n\r\n>From here too\r\n\n');
    expect(mboxEntry(second, '', 0).toString('latin1')).toMatch(/^From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n/);
  });

  it('reads back every message byte for byte, with its envelope sender', async () => {
    const file = Buffer.concat([mboxEntry(first, 'a@example.com', 0), mboxEntry(second, '', 0)]);
    const got = await readAll(file);
    expect(got).toHaveLength(2);
    expect(got[0]!.envelopeFrom).toBe('a@example.com');
    expect(got[0]!.raw.equals(first)).toBe(true);
    expect(got[1]!.envelopeFrom).toBe('');
    expect(got[1]!.raw.equals(second)).toBe(true);
  });

  it('refuses a file that is not an mbox', async () => {
    await expect(readAll('Subject: just a message\n\nhello\n')).rejects.toThrow(/not an mbox file/);
  });
});
