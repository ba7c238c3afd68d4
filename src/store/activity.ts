import { Batch, pad, type Db } from './db.js';
import type { AuditEntry, Comment, Notification, Task, TimelineEntry } from '../desk/records.js';

// What happens around tickets: their timeline and comments, agents' tasks and notifications,
// and the audit log of admin actions. Every key ends in a time-sortable id, so a prefix scan
// reads records in the order they happened.

const ticketKey = (number: number, id: string) => `${pad(number, 10)}:${id}`;
const ticketPrefix = (number: number) => ({ gte: `${pad(number, 10)}:`, lt: `${pad(number, 10)}:~` });
const userPrefix = (userId: string) => ({ gte: `${userId}:`, lt: `${userId}:~` });

export function putTimeline(db: Db, batch: Batch, e: TimelineEntry): void {
  batch.put(db.sub.timeline, ticketKey(e.ticketNumber, e.id), e);
}

export function timelineOf(db: Db, number: number): Promise<TimelineEntry[]> {
  return db.values<TimelineEntry>(db.sub.timeline, ticketPrefix(number));
}

export function putComment(db: Db, batch: Batch, c: Comment): void {
  batch.put(db.sub.comment, ticketKey(c.ticketNumber, c.id), c);
}

export function commentsOf(db: Db, number: number): Promise<Comment[]> {
  return db.values<Comment>(db.sub.comment, ticketPrefix(number));
}

export function putNotification(db: Db, batch: Batch, n: Notification): void {
  batch.put(db.sub.notice, `${n.userId}:${n.id}`, n);
}

/** A user's notifications, newest first. */
export function notificationsOf(db: Db, userId: string, limit = 100): Promise<Notification[]> {
  return db.values<Notification>(db.sub.notice, { ...userPrefix(userId), reverse: true, limit });
}

export function putTask(db: Db, batch: Batch, t: Task): void {
  batch.put(db.sub.task, `${t.userId}:${t.id}`, t);
}

/** A user's tasks, oldest first. */
export function tasksOf(db: Db, userId: string): Promise<Task[]> {
  return db.values<Task>(db.sub.task, userPrefix(userId));
}

export function putAudit(db: Db, batch: Batch, e: AuditEntry): void {
  batch.put(db.sub.audit, e.id, e);
}

/** Audit entries newest first, older than the `before` id when paging. */
export function listAudit(db: Db, opts: { limit: number; before?: string }): Promise<AuditEntry[]> {
  return db.values<AuditEntry>(db.sub.audit, { reverse: true, limit: opts.limit, ...(opts.before ? { lt: opts.before } : {}) });
}
