import { Batch, type Db } from './db.js';
import type { DkimKey } from '../outbound/dkim.js';

// DKIM keys by signing domain (lower-case).

export function getDkimKey(db: Db, domain: string): Promise<DkimKey | undefined> {
  return db.get<DkimKey>(db.sub.dkim, domain.toLowerCase());
}

export function listDkimKeys(db: Db): Promise<DkimKey[]> {
  return db.values<DkimKey>(db.sub.dkim);
}

export function putDkimKey(db: Db, batch: Batch, key: DkimKey): void {
  batch.put(db.sub.dkim, key.domain.toLowerCase(), key);
}

export function delDkimKey(db: Db, batch: Batch, domain: string): void {
  batch.del(db.sub.dkim, domain.toLowerCase());
}
