import type { Batch, Db } from './db.js';
import { DEFAULT_TEMPLATE_SETTINGS, type TemplateSettings } from '../desk/templates.js';
import { DEFAULT_PREFERENCES, type NotificationPreferences } from '../desk/notifications.js';

// Mail templates (meta 'templates') and each user's notification preferences
// (meta 'notify-prefs:<user id>'): small records read whole.

export async function getTemplateSettings(db: Db): Promise<TemplateSettings> {
  // Read for every acknowledgement and agent notice: kept in memory until written (Db.cached).
  return { ...DEFAULT_TEMPLATE_SETTINGS, ...(await db.cached(db.sub.meta, 'templates', () => db.get<Partial<TemplateSettings>>(db.sub.meta, 'templates'))) };
}

export function putTemplateSettings(db: Db, batch: Batch, s: TemplateSettings): void {
  batch.put(db.sub.meta, 'templates', s);
}

/** A user's preferences; events they never set take the defaults. */
export async function getPreferences(db: Db, userId: string): Promise<NotificationPreferences> {
  // Read for every agent told of every new mail: kept in memory until written (Db.cached).
  const key = `notify-prefs:${userId}`;
  const stored = (await db.cached(db.sub.meta, key, () => db.get<Partial<NotificationPreferences>>(db.sub.meta, key))) ?? {};
  return Object.fromEntries(Object.entries(DEFAULT_PREFERENCES).map(([event, d]) => [event, { ...d, ...stored[event as keyof NotificationPreferences] }])) as NotificationPreferences;
}

export function putPreferences(db: Db, batch: Batch, userId: string, p: NotificationPreferences): void {
  batch.put(db.sub.meta, `notify-prefs:${userId}`, p);
}
