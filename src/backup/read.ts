import { createReadStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { Level } from 'level';
import { Digest, KIND_END, KIND_ENTRY, KIND_FILE, MAGIC, sublevelOf, type BackupMeta, type BackupSummary } from './format.js';

export class BackupError extends Error {}

type Item = { kind: 'entry' | 'file'; name: Buffer; data: Buffer };

/** Reads a backup record by record, checking the magic, the framing and the checksum. */
async function* readBackup(input: Readable, onMeta: (m: BackupMeta) => void): AsyncGenerator<Item> {
  const digest = new Digest();
  let buf: Buffer = Buffer.alloc(0);
  let meta: BackupMeta | null = null;
  let ended = false;
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  const stream = input.pipe(gunzip);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      yield* takeRecords();
    }
  } catch (err) {
    if ((err as any)?.code?.startsWith?.('Z_')) throw new BackupError(`not an mxdesk backup or damaged: ${(err as Error).message}`);
    throw err;
  }
  function* takeRecords(): Generator<Item> {
    for (;;) {
      if (ended) {
        if (buf.length > 32) throw new BackupError('data after the end of the backup');
        break;
      }
      if (!meta) {
        const nl = buf.indexOf(10, MAGIC.length);
        if (buf.length < MAGIC.length) break;
        if (buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new BackupError('not an mxdesk backup (bad magic)');
        if (nl < 0) break;
        meta = JSON.parse(buf.subarray(MAGIC.length, nl).toString('utf8')) as BackupMeta;
        onMeta(meta);
        digest.update(buf.subarray(0, nl + 1));
        buf = buf.subarray(nl + 1);
        continue;
      }
      if (buf.length < 1) break;
      const kind = buf[0]!;
      if (kind === KIND_END) {
        digest.update(buf.subarray(0, 1));
        buf = buf.subarray(1);
        ended = true;
        continue;
      }
      if (kind !== KIND_ENTRY && kind !== KIND_FILE) throw new BackupError(`corrupt backup: unknown record kind ${kind}`);
      if (buf.length < 9) break;
      const nlen = buf.readUInt32BE(1);
      const dlen = buf.readUInt32BE(5);
      if (buf.length < 9 + nlen + dlen) break;
      digest.update(buf.subarray(0, 9 + nlen + dlen));
      yield { kind: kind === KIND_ENTRY ? 'entry' : 'file', name: Buffer.from(buf.subarray(9, 9 + nlen)), data: Buffer.from(buf.subarray(9 + nlen, 9 + nlen + dlen)) };
      buf = buf.subarray(9 + nlen + dlen);
    }
  }
  if (!meta) throw new BackupError('not an mxdesk backup (empty)');
  if (!ended) throw new BackupError('the backup is truncated: its end marker is missing');
  if (buf.length !== 32 || !buf.equals(digest.digest())) throw new BackupError('the backup is corrupt: its checksum does not match');
}

/** Reads a whole backup and reports what it holds; throws BackupError when it is damaged. */
export async function verifyBackup(file: string): Promise<BackupSummary> {
  let meta!: BackupMeta;
  const bySublevel: Record<string, number> = {};
  const files: string[] = [];
  let entries = 0;
  let bytes = 0;
  for await (const item of readBackup(createReadStream(file), (m) => (meta = m))) {
    bytes += item.name.length + item.data.length;
    if (item.kind === 'file') files.push(item.name.toString());
    else {
      entries++;
      const sub = sublevelOf(item.name);
      bySublevel[sub] = (bySublevel[sub] ?? 0) + 1;
      if (sub !== 'raw' && sub !== 'att') {
        try {
          JSON.parse(item.data.toString('utf8'));
        } catch {
          throw new BackupError(`the backup is corrupt: entry in ${sub} is not valid JSON`);
        }
      }
    }
  }
  return { meta, entries, files, bySublevel, bytes };
}

/** Restores a backup into an empty data dir (never over a live one). */
export async function restoreBackup(file: string, dataDir: string): Promise<BackupSummary> {
  const dbDir = path.join(dataDir, 'db');
  if (existsSync(dbDir) && readdirSync(dbDir).length > 0) throw new BackupError(`${dataDir} already holds a store; restore only into an empty data dir`);
  // Verify first, so a damaged backup never leaves a half-restored data dir behind.
  const summary = await verifyBackup(file);
  mkdirSync(dbDir, { recursive: true });
  const level = new Level<Buffer, Buffer>(dbDir, { keyEncoding: 'buffer', valueEncoding: 'buffer' } as any);
  await level.open();
  try {
    let batch = level.batch();
    for await (const item of readBackup(createReadStream(file), () => undefined)) {
      if (item.kind === 'file') {
        const name = path.basename(item.name.toString());
        writeFileSync(path.join(dataDir, name), item.data, { mode: name.endsWith('.crt') ? 0o644 : 0o600 });
        continue;
      }
      batch.put(item.name, item.data);
      if (batch.length >= 1000) {
        await batch.write();
        batch = level.batch();
      }
    }
    await batch.write({ sync: true } as any);
  } finally {
    await level.close();
  }
  return summary;
}
