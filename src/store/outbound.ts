import { Batch, type Db } from './db.js';
import type { OutboundItem } from '../outbound/item.js';
import type { FromAddress } from '../outbound/from-address.js';

// The outbound queue and the From addresses. An item waits in `outq` while it may still be
// sent and moves to `outdone` in the same batch that records how it ended, so the worker's
// scan touches only what is pending. An item's id is the id of its ticket message.

const FINISHED = new Set(['sent', 'failed', 'cancelled']);

export function putOutbound(db: Db, batch: Batch, item: OutboundItem): void {
  if (FINISHED.has(item.state)) {
    batch.del(db.sub.outq, item.id);
    batch.put(db.sub.outdone, item.id, item);
  } else {
    batch.del(db.sub.outdone, item.id);
    batch.put(db.sub.outq, item.id, item);
  }
}

export async function getOutbound(db: Db, id: string): Promise<OutboundItem | undefined> {
  return (await db.get<OutboundItem>(db.sub.outq, id)) ?? (await db.get<OutboundItem>(db.sub.outdone, id));
}

/** The outbound queue: items not yet sent, failed or cancelled (finished ones move to outdone), oldest first. */
export function pendingOutbound(db: Db): Promise<OutboundItem[]> {
  return db.values<OutboundItem>(db.sub.outq);
}

/** The delivery records of some ticket messages, by message id. */
export async function outboundOf(db: Db, messageIds: string[]): Promise<Map<string, OutboundItem>> {
  if (messageIds.length === 0) return new Map();
  const [pending, done] = await Promise.all([db.sub.outq.getMany(messageIds), db.sub.outdone.getMany(messageIds)]);
  const found = new Map<string, OutboundItem>();
  messageIds.forEach((id, i) => {
    const item = (pending[i] ?? done[i]) as OutboundItem | undefined;
    if (item) found.set(id, item);
  });
  return found;
}

export function listFromAddresses(db: Db): Promise<FromAddress[]> {
  // Read for every mail sent: kept in memory until a from address is written.
  return db.cached(db.sub.fromaddr, null, () => db.values<FromAddress>(db.sub.fromaddr));
}

export function getFromAddress(db: Db, id: string): Promise<FromAddress | undefined> {
  return db.get<FromAddress>(db.sub.fromaddr, id);
}

export function putFromAddress(db: Db, batch: Batch, f: FromAddress): void {
  batch.put(db.sub.fromaddr, f.id, f);
}

export function delFromAddress(db: Db, batch: Batch, id: string): void {
  batch.del(db.sub.fromaddr, id);
}
