import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type ApiClient, type TestApp } from '../helpers/app.js';
import type { Relay } from '../outbound/relays.js';
import { appWithPlainRelay, closeAll, customerWrites, userWithRole } from '../outbound/fixtures.js';

/**
 * Roles on the outbound route families (From addresses, DKIM keys, replies and their
 * delivery controls), route by route: relays and keys are the admin's; replying,
 * forwarding, retrying and cancelling are for roles that may reply (src/desk/access.ts).
 */
describe('roles on the outbound routes', () => {
  let app: TestApp;
  let relay: Relay;
  let agent: ApiClient;
  let basic: ApiClient;
  let fromId = '';
  let ticket = 0;
  beforeAll(async () => {
    // The relay is down: replies stay queued, so retry and cancel have something to act on.
    ({ app, relay } = await appWithPlainRelay({ MXDESK_OUTBOUND_RETRY_SCHEDULE: '1h' }));
    await relay.down();
    fromId = (await json(app.api('/api/v1/from-addresses'))).items[0].id;
    [agent, basic] = await Promise.all([userWithRole(app, 'agent'), userWithRole(app, 'basic')]);
    ticket = (await customerWrites(app, { subject: 'Roles on outbound' })).number;
  });
  afterAll(() => closeAll(app, relay));

  const call = async (who: ApiClient, method: string, path: string, body: unknown = {}) => {
    const res = await who(`/api/v1${path}`, method === 'GET' ? {} : { method, json: body });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  it('From addresses: only admins create, change, test or delete; others list the active ones without relays', async () => {
    for (const [name, who] of [['agent', agent], ['basic', basic]] as const) {
      const listed = await call(who, 'GET', '/from-addresses');
      expect(listed.status, name).toBe(200);
      expect(listed.body.items.length, name).toBeGreaterThan(0);
      expect(JSON.stringify(listed.body), name).not.toMatch(/relay|password|127\.0\.0\.1/);
      const refused = [
        await call(who, 'POST', '/from-addresses', { address: 'mine@support.test', relay: { host: '127.0.0.1', port: 25, security: 'plain' } }),
        await call(who, 'PATCH', `/from-addresses/${fromId}`, { name: 'Taken over' }),
        await call(who, 'POST', `/from-addresses/${fromId}/test`, {}),
        await call(who, 'DELETE', `/from-addresses/${fromId}`),
      ];
      expect(refused.map((r) => r.status), name).toEqual([403, 403, 403, 403]);
      expect(refused.every((r) => r.body?.error?.code === 'forbidden'), name).toBe(true);
    }
    expect((await json(app.api('/api/v1/from-addresses'))).items[0].name).not.toBe('Taken over');
  });

  it('DKIM keys: admins only, for reading too', async () => {
    expect((await call(app.api, 'POST', '/dkim-keys', { domain: 'support.test' })).status).toBe(201);
    for (const [name, who] of [['agent', agent], ['basic', basic]] as const) {
      const statuses = [
        (await call(who, 'GET', '/dkim-keys')).status,
        (await call(who, 'POST', '/dkim-keys', { domain: 'help.test' })).status,
        (await call(who, 'PATCH', '/dkim-keys/support.test', { enabled: false })).status,
        (await call(who, 'DELETE', '/dkim-keys/support.test')).status,
      ];
      expect(statuses, name).toEqual([403, 403, 403, 403]);
    }
    expect((await call(app.api, 'GET', '/dkim-keys')).status).toBe(200);
  });

  it('replies and forwards: agents and admins, never a basic agent; retry and cancel likewise', async () => {
    expect((await call(basic, 'POST', `/tickets/${ticket}/replies`, { text: 'basic tries' })).status).toBe(403);
    expect((await call(basic, 'POST', `/tickets/${ticket}/forward`, { to: ['x@example.com'], text: 'basic tries' })).status).toBe(403);
    const reply = await call(agent, 'POST', `/tickets/${ticket}/replies`, { text: 'agent answers' });
    expect(reply.status).toBe(202);
    expect((await call(agent, 'POST', `/tickets/${ticket}/forward`, { to: ['x@example.com'], text: 'agent forwards' })).status).toBe(202);
    const id = reply.body.id;
    expect((await call(basic, 'POST', `/messages/${id}/retry`)).status).toBe(403);
    expect((await call(basic, 'POST', `/messages/${id}/cancel`)).status).toBe(403);
    const cancelled = await call(agent, 'POST', `/messages/${id}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.delivery.state).toBe('cancelled');
    expect((await call(app.api, 'POST', `/messages/${id}/retry`)).status).toBe(200);
  });
});
