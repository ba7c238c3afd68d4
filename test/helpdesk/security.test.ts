import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, baseUrl, json, login, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, departmentId, PASSWORD, person, ticketByMail } from './fixture.js';

describe('CSRF, API tokens and the audit log', () => {
  let app: TestApp;
  let base: string;
  let ticket: number;
  beforeAll(async () => {
    app = await startTestApp();
    base = baseUrl(app);
    ticket = await ticketByMail(app, 'Cannot log in');
  });
  afterAll(() => app.close());

  it('refuses a change made with the session cookie but without the CSRF token', async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const { csrfToken } = await json(res);
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    const send = (csrf?: string) =>
      fetch(`${base}/api/v1/tickets/${ticket}`, {
        method: 'PATCH',
        headers: { cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify({ priority: 'urgent' }),
      });
    const missing = await apiError(send());
    expect(missing).toMatchObject({ status: 403, code: 'csrf' });
    expect(missing.message).toMatch(/X-CSRF-Token/);
    expect((await apiError(send('forged'))).code).toBe('csrf');
    // Reading needs no token; changing with the right one works.
    expect((await json(app.api(`/api/v1/tickets/${ticket}`))).priority).toBe('medium');
    expect((await send(csrfToken)).status).toBe(200);
    // /auth/me gives the same token back to a reloaded panel.
    const me = await json(fetch(`${base}/api/v1/auth/me`, { headers: { cookie } }));
    expect(me.csrfToken).toBe(csrfToken);
    // Another session has another token.
    expect((await login(base, ADMIN.email, ADMIN.password)).csrfToken).not.toBe(csrfToken);
    // With neither cookie nor token, nothing changes.
    expect((await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' })).status).toBe(401);
  });

  it('issues personal API tokens that act as their user without CSRF, lists them without the secret, and revokes them', async () => {
    const support = await departmentId(app, 'Support');
    const agent = await person(app, 'agent', 'ada', [support]);
    const created = await agent.api('/api/v1/tokens', { method: 'POST', json: { name: 'CRM sync' } });
    expect(created.status).toBe(201);
    const { id, token } = await json(created);
    expect(token).toMatch(/^mxd_[\w-]{40,}$/);
    const bearer = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

    expect((await json(bearer(`/api/v1/tickets/${ticket}`))).number).toBe(ticket);
    const patched = await bearer(`/api/v1/tickets/${ticket}`, { method: 'PATCH', body: JSON.stringify({ tags: ['crm'] }) });
    expect(patched.status).toBe(200);
    // It has the agent's role, not more, and cannot mint more tokens.
    expect((await bearer('/api/v1/users')).status).toBe(403);
    expect((await bearer('/api/v1/tokens', { method: 'POST', body: JSON.stringify({ name: 'again' }) })).status).toBe(403);

    const listed = await json(agent.api('/api/v1/tokens'));
    expect(listed.items).toEqual([expect.objectContaining({ id, name: 'CRM sync' })]);
    expect(JSON.stringify(listed)).not.toContain(token);
    // Only a hash is stored: the secret is nowhere in the database.
    const stored = await app.db.values(app.db.sub.token);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect((await agent.api(`/api/v1/tokens/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await apiError(bearer('/api/v1/tickets'))).toMatchObject({ status: 401, code: 'bad_token' });
    expect(await apiError(fetch(`${base}/api/v1/tickets`, { headers: { authorization: 'Bearer mxd_guess' } }))).toMatchObject({ status: 401 });
  });

  it('records admin actions in the audit log, readable by admins only', async () => {
    const support = await departmentId(app, 'Support');
    const u = await person(app, 'basic', 'audrey', [support]);
    await app.api(`/api/v1/users/${u.id}`, { method: 'PATCH', json: { role: 'agent', password: 'another long password' } });
    await app.api('/api/v1/settings', { method: 'PATCH', json: { autoCloseDays: 5 } });
    const { items } = await json(app.api('/api/v1/audit'));
    const actions = items.map((e: any) => `${e.action} ${e.target}`);
    expect(actions).toEqual(expect.arrayContaining([`user.create ${u.id}`, `user.update ${u.id}`, 'settings.update settings']));
    const update = items.find((e: any) => e.action === 'user.update');
    expect(update.actor.name).toBe('Admin');
    expect(update.detail).toEqual({ changed: ['role'], password: 'changed' });
    expect(JSON.stringify(items)).not.toContain('another long password');
    // The new password works, the old one does not.
    await expect(login(base, u.email, PASSWORD)).rejects.toThrow(/401/);
    expect((await u.api('/api/v1/audit')).status).toBe(403);
  });

  it('answers every refusal with a machine code and a sentence', async () => {
    const cases = [
      app.api('/api/v1/tickets/999999'),
      app.api('/api/v1/tickets/abc'),
      app.api(`/api/v1/tickets/${ticket}`, { method: 'PATCH', json: { priority: 'whenever' } }),
      app.api(`/api/v1/tickets/${ticket}`, { method: 'PATCH', json: {} }),
      app.api('/api/v1/users', { method: 'POST', json: { email: 'not-an-email', name: 'X', role: 'agent' } }),
      app.api('/api/v1/users', { method: 'POST', json: { email: 'short@staff.test', name: 'X', role: 'agent', password: 'short' } }),
      app.api('/api/v1/users', { method: 'POST', json: { email: ADMIN.email, name: 'X', role: 'agent' } }),
      app.api('/api/v1/departments', { method: 'POST', json: { name: 'Support' } }),
      fetch(`${base}/api/v1/tickets`),
      app.api(`/api/v1/tickets/${ticket}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"priority":' }),
      app.api('/api/v1/nothing-here'),
    ];
    const statuses = [];
    for (const c of cases) statuses.push((await apiError(c)).status);
    expect(statuses).toEqual([404, 400, 400, 400, 400, 400, 409, 409, 401, 400, 404]);
  });
});

describe('login throttling', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ loginLimits: { perAccount: 3, perIp: 6, windowMs: 60_000 } });
  });
  afterAll(() => app.close());

  const tryLogin = (email: string, password: string) =>
    fetch(`${baseUrl(app)}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  it('locks an account after repeated failures with 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await tryLogin(ADMIN.email, 'wrong')).status).toBe(401);
    const locked = await tryLogin(ADMIN.email, ADMIN.password);
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const err = await apiError(locked);
    expect(err).toMatchObject({ code: 'too_many_attempts' });
    expect(err.message).toMatch(/try again in 1 minute/);
  });

  it('limits one address trying many accounts', async () => {
    // 3 failures are counted already from this IP; 3 more on other accounts reach 6.
    for (const who of ['a', 'b', 'c']) expect((await tryLogin(`${who}@nowhere.test`, 'x')).status).toBe(401);
    expect((await tryLogin('d@nowhere.test', 'x')).status).toBe(429);
  });
});
