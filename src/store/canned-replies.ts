import type { Batch, Db } from './db.js';

// Canned replies: texts agents insert into a reply or comment ("Thanks, we are on it…").
// An admin keeps tens of them, not thousands: one record holds the list.

export interface CannedReply {
  id: string;
  name: string;
  text: string;
  createdAt: number;
}

export async function cannedReplies(db: Db): Promise<CannedReply[]> {
  return (await db.get<CannedReply[]>(db.sub.meta, 'cannedReplies')) ?? [];
}

export function putCannedReplies(db: Db, batch: Batch, list: CannedReply[]): void {
  batch.put(db.sub.meta, 'cannedReplies', list);
}
