import { Batch, pad, type Db } from './db.js';

// Per-agent marks on tickets: read/unread and starred. A ticket is unread for an agent when
// it changed after they last read it; reading stores the ticket's updatedAt at that moment.

const key = (userId: string, number: number) => `${userId}:${pad(number, 10)}`;

export interface Marks {
  /** updatedAt of the ticket when last read, per ticket number. */
  seen: Map<number, number>;
  starred: Set<number>;
}

export async function marksOf(db: Db, userId: string, numbers: number[]): Promise<Marks> {
  const keys = numbers.map((n) => key(userId, n));
  const [seen, star] = await Promise.all([db.sub.seen.getMany(keys), db.sub.star.getMany(keys)]);
  return {
    seen: new Map(numbers.flatMap((n, i) => (seen[i] === undefined ? [] : [[n, seen[i] as number] as const]))),
    starred: new Set(numbers.filter((_, i) => star[i] !== undefined)),
  };
}

export function markRead(db: Db, batch: Batch, userId: string, number: number, updatedAt: number): void {
  batch.put(db.sub.seen, key(userId, number), updatedAt);
}

export function markUnread(db: Db, batch: Batch, userId: string, number: number): void {
  batch.del(db.sub.seen, key(userId, number));
}

export function setStarred(db: Db, batch: Batch, userId: string, number: number, starred: boolean): void {
  if (starred) batch.put(db.sub.star, key(userId, number), '');
  else batch.del(db.sub.star, key(userId, number));
}

/** The ticket numbers a user starred, newest ticket first. */
export async function starredOf(db: Db, userId: string): Promise<number[]> {
  const keys = await db.keys(db.sub.star, { gte: `${userId}:`, lt: `${userId}:~`, reverse: true });
  return keys.map((k) => Number(k.slice(userId.length + 1)));
}
