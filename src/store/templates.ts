import type { Batch, Db } from './db.js';
import { DEFAULT_TEMPLATE_SETTINGS, type TemplateSettings } from '../desk/templates.js';
import { DEFAULT_PREFERENCES, type NotificationPreferences } from '../desk/notifications.js';

// Mail templates (meta 'templates') and each user's notification preferences
// (meta 'notify-prefs:<user id>'): small records read whole.

export async function getTemplateSettings(db: Db): Promise<TemplateSettings> {
  return { ...DEFAULT_TEMPLATE_SETTINGS, ...(await db.get<Partial<TemplateSettings>>(db.sub.meta, 'templates')) };
}

export function putTemplateSettings(db: Db, batch: Batch, s: TemplateSettings): void {
  batch.put(db.sub.meta, 'templates', s);
}

/** A user's preferences; events they never set take the defaults. */
export async function getPreferences(db: Db, userId: string): Promise<NotificationPreferences> {
  const stored = (await db.get<Partial<NotificationPreferences>>(db.sub.meta, `notify-prefs:${userId}`)) ?? {};
  return Object.fromEntries(Object.entries(DEFAULT_PREFERENCES).map(([event, d]) => [event, { ...d, ...stored[event as keyof NotificationPreferences] }])) as NotificationPreferences;
}

export function putPreferences(db: Db, batch: Batch, userId: string, p: NotificationPreferences): void {
  batch.put(db.sub.meta, `notify-prefs:${userId}`, p);
}
