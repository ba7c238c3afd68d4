import type { Language } from './templates.js';

// What agents are told about, and how: each event in the panel and/or by mail, as each user
// chooses. Pure: the notifier (src/automation/notify-agents.ts) reads the choices and writes.

export const NOTIFICATION_EVENTS = ['new-ticket', 'new-reply', 'comment', 'mention', 'assigned', 'overdue', 'escalated', 'rated'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface Channels {
  panel: boolean;
  mail: boolean;
}

export type NotificationPreferences = Record<NotificationEvent, Channels>;

/**
 * Everything shows in the panel. Mail by default only for what is addressed to the agent
 * personally or is urgent; "every new ticket" and "every comment" would bury an inbox.
 */
export const DEFAULT_PREFERENCES: NotificationPreferences = {
  'new-ticket': { panel: true, mail: false },
  'new-reply': { panel: true, mail: true },
  comment: { panel: true, mail: false },
  mention: { panel: true, mail: true },
  assigned: { panel: true, mail: true },
  overdue: { panel: true, mail: true },
  escalated: { panel: true, mail: true },
  rated: { panel: true, mail: false },
};

/** The event's name in the mail subject ({{notification.event}}). */
export const EVENT_LABEL: Record<NotificationEvent, Record<Language, string>> = {
  'new-ticket': { en: 'New ticket', es: 'Nuevo ticket' },
  'new-reply': { en: 'New reply', es: 'Nueva respuesta' },
  comment: { en: 'New comment', es: 'Nuevo comentario' },
  mention: { en: 'You were mentioned', es: 'Le han mencionado' },
  assigned: { en: 'Assigned to you', es: 'Asignado a usted' },
  overdue: { en: 'Overdue', es: 'Vencido' },
  escalated: { en: 'Escalated', es: 'Escalado' },
  rated: { en: 'New rating', es: 'Nueva valoración' },
};

/**
 * Who is told: each recipient once, never the one who caused the event (their own change is
 * no news to them), and only people who may see the ticket (the caller filters that).
 */
export function recipientsOf(userIds: Array<string | null | undefined>, causedBy: string | undefined): string[] {
  return [...new Set(userIds.filter((u): u is string => !!u && u !== causedBy))];
}
