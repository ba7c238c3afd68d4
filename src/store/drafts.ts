import { Batch, pad, type Db } from './db.js';

// An agent's unsent composer on a ticket: one per agent and ticket, so a reload, a crash of
// the browser or a move to another machine keeps what they were writing. Attachments are not
// kept (they can be large); the panel says so.

export interface Draft {
  ticketNumber: number;
  userId: string;
  kind: 'reply' | 'reply-all' | 'forward' | 'comment';
  text: string;
  to: string;
  cc: string;
  bcc: string;
  from: string;
  private: boolean;
  updatedAt: number;
}

const key = (userId: string, number: number) => `${userId}:${pad(number, 10)}`;

export function getDraft(db: Db, userId: string, number: number): Promise<Draft | undefined> {
  return db.get<Draft>(db.sub.draft, key(userId, number));
}

export async function putDraft(db: Db, draft: Draft): Promise<void> {
  await db.commit(new Batch().put(db.sub.draft, key(draft.userId, draft.ticketNumber), draft), false);
}

export async function deleteDraft(db: Db, userId: string, number: number): Promise<void> {
  await db.commit(new Batch().del(db.sub.draft, key(userId, number)), false);
}

/** A user's drafts, newest ticket first: their Drafts folder. */
export function draftsOf(db: Db, userId: string): Promise<Draft[]> {
  return db.values<Draft>(db.sub.draft, { gte: `${userId}:`, lt: `${userId}:~`, reverse: true });
}
