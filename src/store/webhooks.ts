import { Batch, pad, type Db } from './db.js';
import type { Delivery, Webhook } from '../desk/webhooks.js';

// Webhooks and their deliveries.
//
// sublevel   key                                   value
// hook       <webhook id>                          Webhook
// hookdel    <webhook id>:<delivery id>            Delivery — the delivery log, oldest first
// hookq      <next attempt at>:<webhook id>:<delivery id>   '' — deliveries still to try, soonest first

export function putWebhook(db: Db, batch: Batch, hook: Webhook): void {
  batch.put(db.sub.hook, hook.id, hook);
}

export function getWebhook(db: Db, id: string): Promise<Webhook | undefined> {
  return db.get<Webhook>(db.sub.hook, id);
}

export function listWebhooks(db: Db): Promise<Webhook[]> {
  // Read for every ticket change: kept in memory until a webhook is written.
  return db.cached(db.sub.hook, null, () => db.values<Webhook>(db.sub.hook));
}

const queueKey = (d: Delivery) => `${pad(d.nextAttemptAt)}:${d.webhookId}:${d.id}`;

/** Writes a delivery; `previous` is its state before, whose queue row goes. */
export function putDelivery(db: Db, batch: Batch, d: Delivery, previous?: Delivery): void {
  if (previous?.state === 'pending') batch.del(db.sub.hookq, queueKey(previous));
  batch.put(db.sub.hookdel, `${d.webhookId}:${d.id}`, d);
  if (d.state === 'pending') batch.put(db.sub.hookq, queueKey(d), '');
}

export function getDelivery(db: Db, webhookId: string, id: string): Promise<Delivery | undefined> {
  return db.get<Delivery>(db.sub.hookdel, `${webhookId}:${id}`);
}

/** The newest deliveries of a webhook first. */
export function deliveriesOf(db: Db, webhookId: string, limit: number): Promise<Delivery[]> {
  return db.values<Delivery>(db.sub.hookdel, { gte: `${webhookId}:`, lt: `${webhookId}:~`, reverse: true, limit });
}

/** Deliveries due at `now`, soonest first, and when the next one after them is due. */
export async function dueDeliveries(db: Db, now: number, limit: number): Promise<{ due: Array<{ webhookId: string; id: string }>; nextAt: number | null }> {
  const keys = await db.keys(db.sub.hookq, { limit: limit + 1 });
  const due: Array<{ webhookId: string; id: string }> = [];
  for (const k of keys) {
    const [at, webhookId, id] = k.split(':') as [string, string, string];
    if (Number(at) > now || due.length === limit) return { due, nextAt: Number(at) };
    due.push({ webhookId, id });
  }
  return { due, nextAt: null };
}

/** Deletes a webhook with its log and queue. */
export async function deleteWebhook(db: Db, hook: Webhook): Promise<void> {
  const batch = new Batch();
  for (const d of await db.values<Delivery>(db.sub.hookdel, { gte: `${hook.id}:`, lt: `${hook.id}:~` })) {
    batch.del(db.sub.hookdel, `${hook.id}:${d.id}`);
    if (d.state === 'pending') batch.del(db.sub.hookq, queueKey(d));
  }
  batch.del(db.sub.hook, hook.id);
  await db.commit(batch);
}
