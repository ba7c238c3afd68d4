import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Db } from '../store/db.js';
import type { Ingestor } from '../ingest/ingest.js';
import { newId } from '../store/ids.js';
import { spoolMessage, type SpoolEntry } from '../spool/spool.js';
import { looksLikeMbox, readMbox, type MboxMessage } from './mbox.js';

// Imported mail takes the road live mail takes: spooled (durable) and ticketed by the
// ingestor, so it is threaded, deduplicated (by Message-ID) and classified the same way.
// The spool entry says `imported`: ingest sends no acknowledgement for it.

/** Raw header block, unfolded (RFC 5322 §2.2.3), for the few fields the envelope needs. */
function headerValues(raw: Buffer, names: string[]): string[] {
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const wanted = new Set(names);
  return head.split(/\r?\n/).filter((l) => wanted.has(l.slice(0, l.indexOf(':')).trim().toLowerCase())).map((l) => l.slice(l.indexOf(':') + 1));
}

const emailsIn = (values: string[]) => values.flatMap((v) => v.match(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g) ?? []).map((e) => e.toLowerCase());

/**
 * The envelope a message would have had: recipients from Delivered-To / X-Original-To /
 * To / Cc (ingest picks the support address among them), the sender from the From_ line,
 * else the From header.
 */
export function importedEntry(raw: Buffer, envelopeFrom: string | undefined, now: number): SpoolEntry {
  const rcptTo = [...new Set(emailsIn(headerValues(raw, ['delivered-to', 'x-original-to', 'to', 'cc'])))];
  const mailFrom = envelopeFrom ?? emailsIn(headerValues(raw, ['from']))[0] ?? '';
  return {
    id: newId(now),
    receivedAt: now,
    envelope: { mailFrom, rcptTo, clientIp: '', helo: 'import', tls: false },
    verdict: null,
    quarantine: false,
    size: raw.length,
    imported: true,
  };
}

export interface ImportProgress {
  /** Messages spooled so far. */
  spooled: number;
  bytes: number;
}

/**
 * Spools one message and hands it to ingest; resolves when ingest has room for more (its
 * backlog bound, as for mail arriving by SMTP), so that an import reads a large mbox no
 * faster than it is ticketed instead of holding it in memory.
 */
export async function importMessage(db: Db, ingestor: Ingestor, m: { raw: Buffer; envelopeFrom?: string }, now: number): Promise<SpoolEntry> {
  const entry = importedEntry(m.raw, m.envelopeFrom, now);
  await spoolMessage(db, entry, m.raw);
  await ingestor.enqueue(entry);
  return entry;
}

/** Reads an mbox or a single message (.eml) from a stream whose first bytes are `head`. */
export async function* messagesOf(input: Readable, isMbox: boolean): AsyncGenerator<{ raw: Buffer; envelopeFrom?: string }> {
  if (isMbox) {
    yield* readMbox(input) as AsyncGenerator<MboxMessage>;
    return;
  }
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  const raw = Buffer.concat(chunks);
  if (raw.length) yield { raw };
}

/** Imports the files in order, each an mbox or one .eml; resolves when all are ticketed. */
export async function importFiles(db: Db, ingestor: Ingestor, files: string[], now: () => number, onProgress?: (p: ImportProgress) => void): Promise<ImportProgress> {
  const progress: ImportProgress = { spooled: 0, bytes: 0 };
  for (const file of files) {
    const handle = await open(file);
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    await handle.close();
    for await (const m of messagesOf(createReadStream(file), looksLikeMbox(head))) {
      await importMessage(db, ingestor, m, now());
      progress.spooled++;
      progress.bytes += m.raw.length;
      onProgress?.(progress);
    }
  }
  await ingestor.idle();
  return progress;
}
