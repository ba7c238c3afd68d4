import { Batch, type Db } from '../store/db.js';
import type { Envelope, VerdictSummary } from '../desk/types.js';

/** A message that got 250 and is waiting to be ticketed. Its raw bytes are under the same id. */
export interface SpoolEntry {
  id: string;
  receivedAt: number;
  envelope: Envelope;
  verdict: VerdictSummary | null;
  /** DMARC failed under p=reject and the configured action is quarantine. */
  quarantine: boolean;
  size: number;
  /** The SMTP session that brought it, so logs link session → message → ticket. */
  sid?: string;
  /** Brought in by an import (mbox/.eml), not by SMTP: ticketed like live mail, never acknowledged. */
  imported?: boolean;
}

/**
 * Makes an accepted message durable: its raw bytes and its spool entry are written in one
 * synced batch. Only when this resolves may the MX answer 250 (RFC 5321 §6.1: once 250 is
 * sent, the message is our responsibility). A crash before it resolves leaves nothing
 * behind; a crash after it leaves an entry that replaySpool() tickets on the next start.
 */
export async function spoolMessage(db: Db, entry: SpoolEntry, raw: Buffer): Promise<void> {
  const batch = new Batch().put(db.sub.raw, entry.id, raw).put(db.sub.spool, entry.id, entry);
  await db.commit(batch, true);
  accepted.set(entry, raw);
}

/**
 * The bytes of entries this process made durable, while the entry object lives (it is
 * ingest's queue that keeps it): ingest need not read back from LevelDB what the MX wrote a
 * moment ago. Entries from a replay (pendingSpool) are not here: ingest reads them.
 */
const accepted = new WeakMap<SpoolEntry, Buffer>();

export function acceptedRaw(entry: SpoolEntry): Buffer | undefined {
  return accepted.get(entry);
}

/** Entries accepted but not yet ticketed, oldest first. */
export function pendingSpool(db: Db): Promise<SpoolEntry[]> {
  return db.values<SpoolEntry>(db.sub.spool);
}

/** Added to the ingest batch: the entry is done when its ticket is written. */
export function releaseSpool(db: Db, batch: Batch, id: string): void {
  batch.del(db.sub.spool, id);
}
