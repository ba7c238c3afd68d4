import type { CustomFieldValue, ExternalLink, FullTicket, Priority, Severity, TicketStatus, User } from './types.js';

// A ticket's life as pure functions: apply a change, say what changed for the timeline,
// decide when a Waiting ticket closes by itself, find who a comment mentions.

export interface TicketUpdate {
  status?: TicketStatus;
  priority?: Priority;
  severity?: Severity;
  dueAt?: number | null;
  tags?: string[];
  /** Tags to add to / remove from the current ones (bulk tagging), applied after `tags`. */
  addTags?: string[];
  removeTags?: string[];
  assigneeId?: string | null;
  departmentId?: string;
  /** Merged into the ticket's values; null removes a field. */
  customFields?: Record<string, CustomFieldValue>;
  links?: ExternalLink[];
}

/** One changed field, as the timeline shows it. */
export interface FieldChange {
  what: keyof TicketUpdate;
  from: unknown;
  to: unknown;
}

const DAY = 86_400_000;

/** Tags compare case-insensitively and appear once. */
export function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The ticket after an update, and the fields that really changed (setting a field to its
 * current value changes nothing and writes no timeline line). Closing stamps closedAt;
 * leaving Closed clears it, so the reopen window counts from the last close.
 */
export function applyUpdate(ticket: FullTicket, update: TicketUpdate, now: number): { ticket: FullTicket; changes: FieldChange[] } {
  const next: FullTicket = { ...ticket };
  const changes: FieldChange[] = [];
  const set = <K extends keyof TicketUpdate & keyof FullTicket>(what: K, to: FullTicket[K]) => {
    if (same(ticket[what], to)) return;
    changes.push({ what, from: ticket[what], to });
    next[what] = to;
  };
  if (update.status !== undefined) set('status', update.status);
  if (update.priority !== undefined) set('priority', update.priority);
  if (update.severity !== undefined) set('severity', update.severity);
  if (update.dueAt !== undefined) set('dueAt', update.dueAt);
  if (update.tags !== undefined || update.addTags || update.removeTags) {
    const removed = new Set(normaliseTags(update.removeTags ?? []));
    set('tags', normaliseTags([...(update.tags ?? ticket.tags), ...(update.addTags ?? [])]).filter((t) => !removed.has(t)));
  }
  if (update.assigneeId !== undefined) set('assigneeId', update.assigneeId);
  if (update.departmentId !== undefined) set('departmentId', update.departmentId);
  if (update.links !== undefined) set('links', update.links);
  if (update.customFields !== undefined) {
    const merged = { ...ticket.customFields };
    for (const [k, v] of Object.entries(update.customFields)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    set('customFields', merged);
  }
  if (changes.length === 0) return { ticket, changes };
  next.updatedAt = now;
  if (next.status !== ticket.status) {
    next.statusChangedAt = now;
    next.closedAt = next.status === 'closed' ? now : undefined;
  }
  return { ticket: next, changes };
}

/**
 * A Waiting ticket closes by itself once the customer has not answered for `days` days since
 * it went Waiting (a customer reply sets it Open again, which stops the count).
 */
export function isDueForAutoClose(ticket: Pick<FullTicket, 'status' | 'statusChangedAt' | 'updatedAt'>, days: number, now: number): boolean {
  if (ticket.status !== 'waiting' || days <= 0) return false;
  return now - (ticket.statusChangedAt ?? ticket.updatedAt) >= days * DAY;
}

/**
 * Agents named in a comment with @name: the part of their email before the @, or their name
 * without spaces, case-insensitively ("@jane", "@jane.doe", "@JaneDoe").
 */
export function mentionedUsers(text: string, users: User[]): User[] {
  const handles = new Set([...text.matchAll(/(?:^|[^\w.@])@([\w.-]+)/g)].map((m) => m[1]!.replace(/\.$/, '').toLowerCase()));
  if (handles.size === 0) return [];
  return users.filter((u) => u.active && (handles.has(u.email.split('@')[0]!.toLowerCase()) || handles.has(u.name.replace(/\s+/g, '').toLowerCase())));
}
