import { createHash } from 'node:crypto';
import { Batch, type Db } from './db.js';
import type { ApiToken } from '../desk/records.js';

// Personal API tokens. The key is a hash of the secret: a copy of the database holds no
// usable token, and a lookup needs no scan.

export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function putApiToken(db: Db, batch: Batch, t: ApiToken): Batch {
  return batch.put(db.sub.token, t.hash, t);
}

export function delApiToken(db: Db, batch: Batch, t: ApiToken): void {
  batch.del(db.sub.token, t.hash);
}

export function apiTokenBySecret(db: Db, secret: string): Promise<ApiToken | undefined> {
  return db.get<ApiToken>(db.sub.token, hashToken(secret));
}

/** All tokens; there are a handful per user, so a scan is fine. */
export function listApiTokens(db: Db): Promise<ApiToken[]> {
  return db.values<ApiToken>(db.sub.token);
}
