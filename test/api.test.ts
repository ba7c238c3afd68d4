import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, type TestApp } from './helpers/app.js';
import { deliver, setStatus, uniqueId } from './helpers/mx.js';

describe('API basics', () => {
  let app: TestApp;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp();
    base = `http://127.0.0.1:${app.httpPort}`;
    for (let i = 1; i <= 5; i++) await deliver(app, mail({ from: `Customer ${i} <c${i}@example.com>`, subject: `Order number ${i}`, messageId: uniqueId() }));
    await deliver(app, mail({ from: 'Zed <zed@customer.test>', subject: 'Refund wanted', messageId: uniqueId() }));
  });
  afterAll(() => app.close());

  it('answers /healthz with 200 when everything is up', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses a wrong password with 401 and an error body', async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: 'wrong' }) });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await json(res)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    const unknown = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong' }) });
    expect(unknown.status).toBe(401);
  });

  it('refuses the ticket list without a session with 401', async () => {
    const res = await fetch(`${base}/api/v1/tickets`);
    expect(res.status).toBe(401);
    expect((await json(res)).error).toMatchObject({ code: 'unauthorised', message: expect.any(String) });
    const forged = await fetch(`${base}/api/v1/tickets`, { headers: { cookie: 'mxdesk_session=forged' } });
    expect(forged.status).toBe(401);
  });

  it('lists tickets newest first in the documented shape', async () => {
    const page = await json(app.api('/api/v1/tickets'));
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(6);
    expect(page.items[0]).toMatchObject({
      number: 1006,
      subject: 'Refund wanted',
      status: 'open',
      requester: { email: 'zed@customer.test', name: 'Zed' },
      department: { id: expect.any(String), name: 'Support' },
      alias: 'support@support.test',
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      // The customer's mail and our acknowledgement.
      messageCount: 2,
    });
  });

  it('pages with the cursor, without repeats or gaps', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await json(app.api(`/api/v1/tickets?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((t: any) => t.number));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([1006, 1005, 1004, 1003, 1002, 1001]);
  });

  it('filters by status and searches with q', async () => {
    await setStatus(app, 1002, 'waiting');
    const waiting = await json(app.api('/api/v1/tickets?status=waiting'));
    expect(waiting.items.map((t: any) => t.number)).toEqual([1002]);
    const open = await json(app.api('/api/v1/tickets?status=open'));
    expect(open.items.map((t: any) => t.number)).not.toContain(1002);
    expect((await json(app.api('/api/v1/tickets?q=refund'))).items.map((t: any) => t.number)).toEqual([1006]);
    expect((await json(app.api('/api/v1/tickets?q=c3%40example.com'))).items.map((t: any) => t.number)).toEqual([1003]);
    expect((await json(app.api('/api/v1/tickets?q=%231004'))).items.map((t: any) => t.number)).toEqual([1004]);
    expect((await json(app.api('/api/v1/tickets?q=nothing-matches-this'))).items).toEqual([]);
  });

  it('answers a bad query with 400 and a message', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'status=lost']) {
      const res = await app.api(`/api/v1/tickets?${q}`);
      expect(res.status, q).toBe(400);
      const body = await json(res);
      expect(body.error.code, q).toBeTruthy();
      expect(body.error.message, q).toMatch(/\w/);
    }
    const missing = await app.api('/api/v1/tickets/999999');
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.message).toContain('999999');
  });

  it('has a schema Ajv compiles on every route (they compile on first call in production)', async () => {
    // A schema Ajv refuses would otherwise only fail the first request of its route.
    expect(app.http.compileAllValidators()).toBeGreaterThan(100);
    expect(app.http.compileAllValidators()).toBe(0);
  });
});
