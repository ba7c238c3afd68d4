import { createHash, type Hash } from 'node:crypto';

// A backup is one gzip stream:
//   "MXDESK-BACKUP 1\n"  {meta as JSON}\n
//   records: [kind u8][name length u32][name][data length u32][data]
//     kind 1 = a LevelDB entry (name = raw key, including its sublevel prefix)
//     kind 2 = a file of the data dir (name = file name, data = contents)
//   end:     [kind 0][sha256 of every byte before it]
// Entries are raw bytes, so a backup restores exactly what the store held, whatever the
// encodings of its sublevels, and older versions of mxdesk can be restored by newer ones.

export const MAGIC = 'MXDESK-BACKUP 1\n';
export const KIND_END = 0;
export const KIND_ENTRY = 1;
export const KIND_FILE = 2;

export interface BackupMeta {
  createdAt: string;
  hostname: string;
  version: string;
  /** Files of the data dir included beside the store (keys, certificates). */
  files: string[];
}

export interface BackupSummary {
  meta: BackupMeta;
  entries: number;
  files: string[];
  /** Entries per sublevel name (e.g. ticket, msg, raw). */
  bySublevel: Record<string, number>;
  bytes: number;
}

export function record(kind: number, name: Buffer, data: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt8(kind, 0);
  head.writeUInt32BE(name.length, 1);
  head.writeUInt32BE(data.length, 5);
  // name length and data length both precede their bytes: [kind][nlen][dlen][name][data]
  return Buffer.concat([head, name, data]);
}

/** abstract-level sublevel prefix: "!name!" before the key. */
export function sublevelOf(key: Buffer): string {
  if (key[0] !== 0x21) return '(root)';
  const end = key.indexOf(0x21, 1);
  return end > 0 ? key.subarray(1, end).toString('utf8') : '(root)';
}

/** Hashes bytes as they pass, for the trailer. */
export class Digest {
  private hash: Hash = createHash('sha256');
  bytes = 0;
  update(b: Buffer): Buffer {
    this.hash.update(b);
    this.bytes += b.length;
    return b;
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}
