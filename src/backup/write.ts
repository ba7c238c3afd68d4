import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import type { Db } from '../store/db.js';
import { Digest, KIND_END, KIND_ENTRY, KIND_FILE, MAGIC, record, sublevelOf, type BackupMeta, type BackupSummary } from './format.js';

/** Files of the data dir that belong in a backup beside the store. */
export const DATA_FILES = ['secret.key', 'tls-selfsigned.crt', 'tls-selfsigned.key'];

/**
 * Writes a consistent snapshot of a running store: LevelDB iterators read from an implicit
 * snapshot taken when they are created, so writes that happen during the backup are
 * either wholly in it or not at all — no half-ticketed message.
 */
export async function writeBackup(db: Db, dataDir: string, out: Writable, meta: Omit<BackupMeta, 'files' | 'createdAt'>): Promise<BackupSummary> {
  const gzip = createGzip({ level: 6 });
  gzip.pipe(out);
  const digest = new Digest();
  const write = async (b: Buffer) => {
    if (!gzip.write(digest.update(b))) await once(gzip, 'drain');
  };
  const files = DATA_FILES.filter((f) => existsSync(path.join(dataDir, f)));
  const fullMeta: BackupMeta = { ...meta, createdAt: new Date().toISOString(), files };
  await write(Buffer.from(MAGIC + JSON.stringify(fullMeta) + '\n'));
  const bySublevel: Record<string, number> = {};
  let entries = 0;
  const iterator = db.level.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' } as any);
  try {
    for await (const [key, value] of iterator as AsyncIterable<[Buffer, Buffer]>) {
      await write(record(KIND_ENTRY, key, value));
      const sub = sublevelOf(key);
      bySublevel[sub] = (bySublevel[sub] ?? 0) + 1;
      entries++;
    }
  } finally {
    await iterator.close();
  }
  for (const f of files) await write(record(KIND_FILE, Buffer.from(f), readFileSync(path.join(dataDir, f))));
  const end = Buffer.alloc(1, KIND_END);
  await write(end);
  gzip.end(digest.digest());
  await once(out, 'finish');
  return { meta: fullMeta, entries, files, bySublevel, bytes: digest.bytes };
}

export async function writeBackupFile(db: Db, dataDir: string, file: string, meta: Omit<BackupMeta, 'files' | 'createdAt'>): Promise<BackupSummary> {
  return writeBackup(db, dataDir, createWriteStream(file, { mode: 0o600 }), meta);
}
