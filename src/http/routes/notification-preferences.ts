import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { getPreferences, putPreferences } from '../../store/templates.js';
import { NOTIFICATION_EVENTS, type Channels, type NotificationEvent } from '../../desk/notifications.js';
import { userOf } from '../guard.js';
import { ApiError } from '../errors.js';

// Each user's own choice, per event, of panel and/or mail notifications. Nobody sets
// another user's: the route only knows "me".

const channels = { type: 'object', additionalProperties: false, minProperties: 1, properties: { panel: { type: 'boolean' }, mail: { type: 'boolean' } } } as const;

export async function notificationPreferenceRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const view = async (userId: string) => ({ events: NOTIFICATION_EVENTS, preferences: await getPreferences(db, userId) });

  app.get('/users/me/notification-preferences', async (req) => view(userOf(req).id));

  app.put('/users/me/notification-preferences', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['preferences'],
        // Events left out keep their setting.
        properties: { preferences: { type: 'object', additionalProperties: false, properties: Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e, channels])) } },
      },
    },
  }, async (req) => {
    const { id } = userOf(req);
    const input = (req.body as { preferences: Partial<Record<NotificationEvent, Partial<Channels>>> }).preferences;
    // The schema drops keys it does not know; an event left with nothing to set was a mistake.
    const empty = Object.entries(input).filter(([, c]) => c.panel === undefined && c.mail === undefined).map(([e]) => e);
    if (empty.length) throw new ApiError(400, 'invalid_request', `Say "panel" and/or "mail" (true or false) for ${empty.join(', ')}.`);
    await db.serial(async () => {
      const current = await getPreferences(db, id);
      for (const [event, c] of Object.entries(input) as Array<[NotificationEvent, Partial<Channels>]>) current[event] = { ...current[event], ...c };
      const batch = new Batch();
      putPreferences(db, batch, id, current);
      await db.commit(batch);
    });
    return view(id);
  });
}
