import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sendMail, type Reply } from '../helpers/smtp-client.js';
import { fromAddressOf } from '../helpers/mx.js';
import type { TestApp } from '../helpers/app.js';
import { pendingOutbound as listOutbound } from '../../src/store/outbound.js';
import { messagesOf } from '../../src/store/tickets.js';
import { Batch } from '../../src/store/db.js';
import { getSettings, putSettings } from '../../src/store/directory.js';

/**
 * Lifts the hourly acknowledgement limit: many corpus messages share a sender, and the
 * limit would otherwise hide a bounce or auto-reply the classifier missed.
 */
export async function withoutAckLimit(app: TestApp): Promise<void> {
  const batch = new Batch();
  putSettings(app.db, batch, { ...(await getSettings(app.db)), ackPerSenderPerHour: 1_000_000 });
  await app.db.commit(batch);
}

export const sharedDir = path.resolve(import.meta.dirname, '../../../shared');

export interface Sent {
  file: string;
  raw: Buffer;
  mailFrom: string;
  reply: Reply;
  /** The spool id from "250 Ok: queued as <id>". */
  queuedAs?: string;
}

/** The header block of a raw message, unfolded, for the test's own header evidence. */
export function headerBlock(raw: Buffer): string {
  const text = raw.subarray(0, 128 * 1024).toString('latin1').replace(/\r\n?/g, '\n');
  const end = text.indexOf('\n\n');
  return (end >= 0 ? text.slice(0, end) : text).replace(/\n[ \t]+/g, ' ');
}

/**
 * The envelope sender a real MTA would use: the null reverse-path for bounces and reports
 * (RFC 5321 §4.5.5: multipart/report, or From MAILER-DAEMON), else the From address.
 */
export function envelopeSenderOf(raw: Buffer): string {
  const head = headerBlock(raw);
  if (/^content-type:\s*multipart\/report/im.test(head)) return '';
  const from = fromAddressOf(raw);
  if (/^(mailer-daemon|postmaster)@/i.test(from)) return '';
  return from && /^[^\s@]+@[a-z0-9.-]+\.[a-z]{2,}$/i.test(from) ? from : 'unknown-sender@example.net';
}

/** Sends every file over SMTP, `sessions` at a time, and waits until all is ticketed. */
export async function sendAll(app: TestApp, files: string[], root: string, sessions = 8): Promise<Sent[]> {
  const results: Sent[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const raw = readFileSync(path.join(root, file));
      const mailFrom = envelopeSenderOf(raw);
      const reply = await sendMail(app.smtpPort, { from: mailFrom, to: ['support@support.test'], message: raw });
      results.push({ file, raw, mailFrom, reply, queuedAs: /queued as (\w+)/.exec(reply.text)?.[1] });
    }
  };
  await Promise.all(Array.from({ length: sessions }, worker));
  await app.ingestor.idle();
  return results.sort((a, b) => a.file.localeCompare(b.file));
}

/** The file whose message opened each acknowledged ticket. */
export async function acknowledgedFiles(app: TestApp, sent: Sent[]): Promise<string[]> {
  const fileById = new Map(sent.filter((s) => s.queuedAs).map((s) => [s.queuedAs!, s.file]));
  const out: string[] = [];
  for (const item of await listOutbound(app.db)) {
    if (item.kind !== 'ack') continue;
    const first = (await messagesOf(app.db, item.ticketNumber)).find((m) => m.direction === 'in');
    const file = first && fileById.get(first.id);
    if (file) out.push(file);
  }
  return out;
}
