import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { notificationsOf, putNotification, putTask, tasksOf } from '../../store/activity.js';
import { notFound } from '../errors.js';
import { userOf } from '../guard.js';

// "My tasks" and notifications: each user sees and changes only their own.

export async function taskRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/tasks', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { done: { type: 'boolean', default: false } } } },
  }, async (req) => {
    const { done } = req.query as { done: boolean };
    const tasks = await tasksOf(db, userOf(req).id);
    return { items: tasks.filter((t) => (t.doneAt !== null) === done) };
  });

  app.patch('/tasks/:id', {
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } } },
      body: { type: 'object', additionalProperties: false, required: ['done'], properties: { done: { type: 'boolean' } } },
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const { done } = req.body as { done: boolean };
    const task = (await tasksOf(db, userOf(req).id)).find((t) => t.id === id);
    if (!task) throw notFound('That task');
    const updated = { ...task, doneAt: done ? app.deps.now() : null };
    const batch = new Batch();
    putTask(db, batch, updated);
    await db.commit(batch);
    return updated;
  });

  app.get('/notifications', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { unread: { type: 'boolean', default: false } } } },
  }, async (req) => {
    const { unread } = req.query as { unread: boolean };
    const items = await notificationsOf(db, userOf(req).id);
    return { items: unread ? items.filter((n) => n.readAt === null) : items };
  });

  /** Marks the given notifications (or all) read. */
  app.post('/notifications/read', {
    schema: { body: { type: 'object', additionalProperties: false, properties: { ids: { type: 'array', maxItems: 500, items: { type: 'string', maxLength: 40 } } } } },
  }, async (req) => {
    const { ids } = (req.body ?? {}) as { ids?: string[] };
    const at = app.deps.now();
    const batch = new Batch();
    let count = 0;
    for (const n of await notificationsOf(db, userOf(req).id, 10_000)) {
      if (n.readAt !== null || (ids && !ids.includes(n.id))) continue;
      putNotification(db, batch, { ...n, readAt: at });
      count++;
    }
    await db.commit(batch);
    return { read: count };
  });
}
