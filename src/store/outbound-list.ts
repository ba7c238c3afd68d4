import type { Db } from './db.js';
import type { OutboundItem } from '../outbound/item.js';

/** Every item of the outbound queue, oldest first (ids sort by creation). */
export function listOutbound(db: Db): Promise<OutboundItem[]> {
  return db.values<OutboundItem>(db.sub.outq);
}
