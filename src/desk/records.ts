import type { NotificationEvent } from './notifications.js';

// Help-desk records around tickets: timeline, comments, tasks, notifications, API tokens,
// audit. Plain data; times are UTC milliseconds.

/** Who did something: a user, or the desk itself (jobs, rules). */
export interface Actor {
  id: string;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'mxdesk' };

/** One line of a ticket's history: who changed what, from what, to what. */
export interface TimelineEntry {
  id: string;
  ticketNumber: number;
  at: number;
  by: Actor;
  /** 'status', 'priority', … for field changes; 'comment' for internal comments. */
  what: string;
  from?: unknown;
  to?: unknown;
  note?: string;
}

/** An internal comment: seen by agents only, never sent to the customer. */
export interface Comment {
  id: string;
  ticketNumber: number;
  author: Actor;
  text: string;
  /** User ids named with @name in the text. */
  mentions: string[];
  createdAt: number;
}

export interface Notification {
  id: string;
  userId: string;
  /**
   * One of the events agents choose to hear of (src/desk/notifications.ts), or
   * 'delivery-failed': a relay refused their mail for good (always shown).
   */
  kind: NotificationEvent | 'delivery-failed';
  ticketNumber: number;
  by: Actor;
  text: string;
  createdAt: number;
  readAt: number | null;
}

/** "My tasks": a ticket assigned to an agent, open until done or reassigned. */
export interface Task {
  id: string;
  userId: string;
  ticketNumber: number;
  title: string;
  createdAt: number;
  doneAt: number | null;
}

/** A personal API token; only a hash of its secret is stored. */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface AuditEntry {
  id: string;
  at: number;
  actor: Actor;
  action: string;
  target: string;
  detail?: Record<string, unknown>;
}
