import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { deleteWebhook, deliveriesOf, getWebhook, listWebhooks, putWebhook } from '../../store/webhooks.js';
import { seal } from '../../outbound/secret-box.js';
import { WEBHOOK_SECRET_PURPOSE } from '../../webhooks/deliverer.js';
import { WEBHOOK_EVENTS, type Delivery, type Webhook, type WebhookEvent } from '../../desk/webhooks.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk } from '../guard.js';
import { audit } from './audit.js';

// Webhooks: admin only. The signing secret is shown once, when it is made; the store keeps
// it sealed, like relay passwords.

const fields = {
  url: { type: 'string', minLength: 8, maxLength: 2000, pattern: '^https?://' },
  events: { type: 'array', minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true, items: { type: 'string', enum: WEBHOOK_EVENTS } },
  /** At least 16 characters: an HMAC key shorter than that is guessable offline. */
  secret: { type: 'string', minLength: 16, maxLength: 200 },
  enabled: { type: 'boolean' },
} as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } } as const;

interface WebhookInput {
  url?: string;
  events?: WebhookEvent[];
  secret?: string;
  enabled?: boolean;
}

function webhookView(h: Webhook) {
  return { id: h.id, url: h.url, events: h.events, enabled: h.enabled, createdAt: h.createdAt, updatedAt: h.updatedAt };
}

function deliveryView(d: Delivery) {
  const last = d.attempts.at(-1);
  return {
    id: d.id, event: d.event, state: d.state, createdAt: d.createdAt, finishedAt: d.finishedAt,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt : null, lastStatus: last?.status ?? null, attempts: d.attempts,
  };
}

function checkUrl(url: string): void {
  try {
    new URL(url);
  } catch {
    // Named like a schema refusal ("body/url …") so a form can put it on its field.
    throw new ApiError(400, 'invalid_url', `body/url must be a URL: ${url} is not one.`);
  }
}

export async function webhookRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const secretKey = () => app.deps.outbound.secret;
  const load = async (id: string) => (await getWebhook(db, id)) ?? Promise.reject(notFound('That webhook'));

  app.get('/webhooks', async (req) => {
    requireDesk(req, 'manage-settings');
    return { items: (await listWebhooks(db)).map(webhookView) };
  });

  app.post('/webhooks', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['url', 'events'], properties: fields } },
  }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const input = req.body as Required<Pick<WebhookInput, 'url' | 'events'>> & WebhookInput;
    checkUrl(input.url);
    const at = app.deps.now();
    const secret = input.secret ?? randomBytes(24).toString('base64url');
    const hook: Webhook = { id: newId(at), url: input.url, events: input.events, secretSealed: seal(secretKey(), secret, WEBHOOK_SECRET_PURPOSE), enabled: input.enabled ?? true, createdAt: at, updatedAt: at };
    const batch = new Batch();
    putWebhook(db, batch, hook);
    audit(app, req, batch, 'webhook.create', hook.id, { url: hook.url, events: hook.events });
    await db.commit(batch);
    // The only time the secret leaves the server: the receiver needs it to check signatures.
    return reply.status(201).send({ ...webhookView(hook), secret });
  });

  app.get('/webhooks/:id', { schema: { params: idParam } }, async (req) => {
    requireDesk(req, 'manage-settings');
    return webhookView(await load((req.params as { id: string }).id));
  });

  app.patch('/webhooks/:id', {
    schema: {
      description: 'Changes a webhook (admins): its URL, events, enabled, or a new secret. The secret is never answered back; deliveries still pending go to the new URL.',
      params: idParam, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const input = req.body as WebhookInput;
    if (input.url) checkUrl(input.url);
    return db.serial(async () => {
      const previous = await load((req.params as { id: string }).id);
      const hook: Webhook = {
        ...previous,
        ...(input.url ? { url: input.url } : {}),
        ...(input.events ? { events: input.events } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.secret ? { secretSealed: seal(secretKey(), input.secret, WEBHOOK_SECRET_PURPOSE) } : {}),
        updatedAt: app.deps.now(),
      };
      const batch = new Batch();
      putWebhook(db, batch, hook);
      audit(app, req, batch, 'webhook.update', hook.id, { changed: Object.keys(input).map((k) => (k === 'secret' ? 'secret (new)' : k)) });
      await db.commit(batch);
      return webhookView(hook);
    });
  });

  app.delete('/webhooks/:id', { schema: { params: idParam } }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    await db.serial(async () => {
      const hook = await load((req.params as { id: string }).id);
      await deleteWebhook(db, hook);
      const batch = new Batch();
      audit(app, req, batch, 'webhook.delete', hook.id, { url: hook.url });
      await db.commit(batch);
    });
    return reply.status(204).send();
  });

  app.get('/webhooks/:id/deliveries', {
    schema: { params: idParam, querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } } },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const hook = await load((req.params as { id: string }).id);
    return { items: (await deliveriesOf(db, hook.id, (req.query as { limit: number }).limit)).map(deliveryView) };
  });
}
