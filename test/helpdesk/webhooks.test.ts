import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, person, ticketByMail, type Person } from './fixture.js';

// Webhooks against a real receiver on 127.0.0.1 that checks every signature the way an
// integrator would, and refuses the very first delivery so that the retry must happen.

interface Received {
  event: string;
  delivery: string;
  signatureValid: boolean;
  body: any;
}

function receiver(secretOf: () => string) {
  const received: Received[] = [];
  let refuseNext = true;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-mxdesk-signature']));
      const expected = m && createHmac('sha256', secretOf()).update(`${m[1]}.${raw}`).digest('hex');
      received.push({ event: String(req.headers['x-mxdesk-event']), delivery: String(req.headers['x-mxdesk-delivery']), signatureValid: !!m && expected === m[2], body: JSON.parse(raw) });
      res.statusCode = refuseNext ? 503 : 204;
      refuseNext = false;
      res.end();
    });
  });
  return { server, received };
}

describe('webhooks', () => {
  let app: TestApp;
  let clock = Date.parse('2026-03-02T10:00:00Z');
  let agent: Person;
  let secret = '';
  let hookId = '';
  const hook = receiver(() => secret);
  const url = () => `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hooks`;
  const settle = async () => {
    await app.ingestor.idle();
    await app.webhooks.idle();
  };
  const deliveries = async () => (await json(app.api(`/api/v1/webhooks/${hookId}/deliveries`))).items;

  beforeAll(async () => {
    await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
    app = await startTestApp({ now: () => clock });
    agent = await person(app, 'agent', 'agnes', []);
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => hook.server.close(resolve));
  });

  it('are managed by admins only, with clear errors for bad input', async () => {
    expect((await apiError(agent.api('/api/v1/webhooks'))).status).toBe(403);
    expect((await apiError(agent.api('/api/v1/webhooks', { method: 'POST', json: { url: url(), events: ['ticket.created'] } }))).status).toBe(403);
    const badEvent = await apiError(app.api('/api/v1/webhooks', { method: 'POST', json: { url: url(), events: ['ticket.exploded'] } }));
    expect(badEvent).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((await apiError(app.api('/api/v1/webhooks', { method: 'POST', json: { url: 'ftp://example.test/x', events: ['ticket.created'] } }))).status).toBe(400);

    const res = await app.api('/api/v1/webhooks', { method: 'POST', json: { url: url(), events: ['ticket.created', 'message.received', 'ticket.updated'] } });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created).toMatchObject({ url: url(), enabled: true, events: ['ticket.created', 'message.received', 'ticket.updated'] });
    expect(created.secret.length).toBeGreaterThanOrEqual(16);
    ({ id: hookId, secret } = created);
    // Shown once: lists and reads never carry it, and the store holds it only sealed.
    expect(JSON.stringify(await json(app.api('/api/v1/webhooks')))).not.toContain(secret);
    expect(JSON.stringify(await app.db.sub.hook.values().all())).not.toContain(secret);
  });

  it('deliver signed events, retry a refused delivery with backoff, and log every attempt', async () => {
    const number = await ticketByMail(app, 'Webhook me');
    await settle();
    expect(hook.received.map((r) => r.event).sort()).toEqual(['message.received', 'ticket.created']);
    expect(hook.received.every((r) => r.signatureValid)).toBe(true);
    const refused = hook.received[0]!;
    expect(refused.body).toMatchObject({ id: refused.delivery, event: refused.event, data: { ticket: { number, subject: 'Webhook me' } } });
    const received = hook.received.find((r) => r.event === 'message.received')!;
    expect(received.body.data.message).toMatchObject({ direction: 'in', subject: 'Webhook me' });

    let log = await deliveries();
    const pending = log.find((d: any) => d.id === refused.delivery);
    expect(pending).toMatchObject({ state: 'pending', lastStatus: 503, attempts: [{ status: 503 }] });
    expect(pending.nextAttemptAt).toBe(clock + 60_000);

    // Not yet due: nothing is sent again.
    app.webhooks.wake();
    await settle();
    expect(hook.received).toHaveLength(2);
    clock += 60_000;
    app.webhooks.wake();
    await settle();
    expect(hook.received).toHaveLength(3);
    expect(hook.received[2]).toMatchObject({ delivery: refused.delivery, signatureValid: true });
    log = await deliveries();
    expect(log.find((d: any) => d.id === refused.delivery)).toMatchObject({ state: 'delivered', attempts: [{ status: 503 }, { status: 204 }] });
    expect(log.every((d: any) => d.state === 'delivered')).toBe(true);

    expect((await app.api(`/api/v1/tickets/${number}`, { method: 'PATCH', json: { priority: 'urgent' } })).status).toBe(200);
    await settle();
    expect(hook.received.at(-1)).toMatchObject({ event: 'ticket.updated', signatureValid: true, body: { data: { ticket: { number, priority: 'urgent' } } } });
  });

  it('send nothing while disabled or after deletion', async () => {
    const patched = await app.api(`/api/v1/webhooks/${hookId}`, { method: 'PATCH', json: { enabled: false } });
    expect(await json(patched)).toMatchObject({ enabled: false });
    const before = hook.received.length;
    await ticketByMail(app, 'Quiet please');
    await settle();
    expect(hook.received).toHaveLength(before);

    expect((await app.api(`/api/v1/webhooks/${hookId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await apiError(app.api(`/api/v1/webhooks/${hookId}`))).status).toBe(404);
    expect((await apiError(app.api(`/api/v1/webhooks/${hookId}/deliveries`))).code).toBe('not_found');
  });
});
