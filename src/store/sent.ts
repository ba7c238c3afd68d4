import { Batch, pad, type Db, type JsonSub } from './db.js';
import type { IndexRange } from './tickets.js';

// The Sent folder: per agent, the tickets they sent mail on, most recent send first.
// Sublevel `sent`: `t:<user id>:<sent at>:<ticket no>` → '' is the ordered list;
// `n:<user id>:<ticket no>` → sent at finds a ticket's row to move it up on the next send.

const last = (userId: string, number: number) => `n:${userId}:${pad(number, 10)}`;
const row = (userId: string, at: number, number: number) => `t:${userId}:${pad(at)}:${pad(number, 10)}`;

/** Records that the user queued mail on the ticket at `at` (inside the reply's serial section). */
export async function noteSent(db: Db, batch: Batch, userId: string, number: number, at: number): Promise<void> {
  const previous = await db.get<number>(db.sub.sent, last(userId, number));
  if (previous !== undefined) batch.del(db.sub.sent, row(userId, previous, number));
  batch.put(db.sub.sent, last(userId, number), at);
  batch.put(db.sub.sent, row(userId, at, number), '');
}

/** The user's Sent folder as an index range of the `sent` sublevel (listTickets reads it). */
export function sentRange(userId: string): IndexRange & { index: (db: Db) => JsonSub } {
  return { gte: `t:${userId}:`, lt: `t:${userId}:~`, index: (db) => db.sub.sent };
}

/** Every ticket number in the user's Sent folder (search within the folder checks against it). */
export async function sentNumbers(db: Db, userId: string): Promise<Set<number>> {
  const prefix = `n:${userId}:`;
  return new Set((await db.keys(db.sub.sent, { gte: prefix, lt: `${prefix}~` })).map((k) => Number(k.slice(prefix.length))));
}

/** A merge: each user's Sent row of the merged ticket moves to the ticket it went into. */
export async function moveSent(db: Db, batch: Batch, userIds: string[], from: number, to: number): Promise<void> {
  for (const userId of userIds) {
    const [at, targetAt] = await Promise.all([db.get<number>(db.sub.sent, last(userId, from)), db.get<number>(db.sub.sent, last(userId, to))]);
    if (at === undefined) continue;
    batch.del(db.sub.sent, last(userId, from)).del(db.sub.sent, row(userId, at, from));
    if (targetAt === undefined || targetAt < at) {
      if (targetAt !== undefined) batch.del(db.sub.sent, row(userId, targetAt, to));
      batch.put(db.sub.sent, last(userId, to), at).put(db.sub.sent, row(userId, at, to), '');
    }
  }
}
