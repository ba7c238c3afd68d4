import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, login, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { SmtpClient } from '../helpers/smtp-client.js';
import { deliver, ticketWith, uniqueId } from '../helpers/mx.js';
import { Batch } from '../../src/store/db.js';
import { putDepartment, putUser } from '../../src/store/directory.js';
import { hashPassword } from '../../src/auth/password.js';

async function rcpt(app: TestApp, address: string) {
  const { client } = await SmtpClient.connect(app.smtpPort);
  await client.send('EHLO client.example.net');
  await client.send('MAIL FROM:<alice@example.com>');
  const reply = await client.send(`RCPT TO:<${address}>`);
  await client.quit();
  return reply;
}

describe('support addresses API', () => {
  let app: TestApp;
  let salesId: string;
  beforeAll(async () => {
    app = await startTestApp();
    const batch = new Batch();
    salesId = 'dept-sales';
    putDepartment(app.db, batch, { id: salesId, name: 'Sales', createdAt: Date.now() });
    putUser(app.db, batch, { id: 'agent-1', email: 'agent@example.com', name: 'Agent', role: 'agent', departments: [salesId], active: true, passwordHash: await hashPassword('agent password 1'), createdAt: Date.now() });
    await app.db.commit(batch);
  });
  afterAll(() => app.close());

  it('lists the default address and the departments', async () => {
    const { items } = await json(app.api('/api/v1/support-addresses'));
    expect(items).toEqual([expect.objectContaining({ address: 'support@support.test', intake: true, isDefault: true })]);
    const depts = await json(app.api('/api/v1/departments'));
    expect(depts.items.map((d: any) => d.name).sort()).toEqual(['Sales', 'Support']);
  });

  it('a new alias takes mail at once, and its tickets carry the alias and its department', async () => {
    const res = await app.api('/api/v1/support-addresses', { method: 'POST', json: { address: 'Sales@Help.test', name: 'Sales team', departmentId: salesId } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ address: 'sales@help.test', name: 'Sales team', departmentId: salesId, intake: true, isDefault: false });
    const id = uniqueId();
    expect((await deliver(app, mail({ to: 'sales@help.test', subject: 'A quote please', messageId: id }), { to: ['sales@help.test'] })).code).toBe(250);
    const t = await ticketWith(app, id);
    expect(t.alias).toBe('sales@help.test');
    expect(t.department).toEqual({ id: salesId, name: 'Sales' });
  });

  it('intake off refuses the address at RCPT with 550 5.2.1; on again accepts it', async () => {
    const off = await app.api('/api/v1/support-addresses/sales@help.test', { method: 'PATCH', json: { intake: false } });
    expect(off.status).toBe(200);
    const r = await rcpt(app, 'sales@help.test');
    expect(r.code).toBe(550);
    expect(r.text).toMatch(/^5\.2\.1 /);
    expect((await app.api('/api/v1/support-addresses/sales@help.test', { method: 'PATCH', json: { intake: true } })).status).toBe(200);
    expect((await rcpt(app, 'sales@help.test')).code).toBe(250);
  });

  it('refuses an address outside the support domains, a duplicate and an unknown department', async () => {
    const outside = await app.api('/api/v1/support-addresses', { method: 'POST', json: { address: 'help@gmail.com', departmentId: salesId } });
    expect(outside.status).toBe(400);
    expect((await json(outside)).error).toMatchObject({ code: 'not_support_domain', message: expect.stringContaining('gmail.com') });
    const twice = await app.api('/api/v1/support-addresses', { method: 'POST', json: { address: 'sales@help.test', departmentId: salesId } });
    expect(twice.status).toBe(409);
    const noDept = await app.api('/api/v1/support-addresses', { method: 'POST', json: { address: 'x@help.test', departmentId: 'nope' } });
    expect(noDept.status).toBe(400);
    const bad = await app.api('/api/v1/support-addresses', { method: 'POST', json: { address: 'not an address', departmentId: salesId } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toBeTruthy();
  });

  it('keeps at least one address taking mail', async () => {
    // Two intake addresses: removing one is fine, then the last one stays.
    const del = await app.api('/api/v1/support-addresses/support@support.test', { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await rcpt(app, 'support@support.test')).code).toBe(550);
    // The remaining one became the default, so postmaster still reaches someone.
    expect((await rcpt(app, 'postmaster@support.test')).code).toBe(250);
    const disable = await app.api('/api/v1/support-addresses/sales@help.test', { method: 'PATCH', json: { intake: false } });
    expect(disable.status).toBe(409);
    expect((await json(disable)).error.message).toMatch(/at least one/i);
    const last = await app.api('/api/v1/support-addresses/sales@help.test', { method: 'DELETE' });
    expect(last.status).toBe(409);
    expect((await rcpt(app, 'sales@help.test')).code).toBe(250);
    expect((await app.api('/api/v1/support-addresses/nobody@help.test', { method: 'DELETE' })).status).toBe(404);
  });

  it('lets only an admin change addresses', async () => {
    const agent = await login(`http://127.0.0.1:${app.httpPort}`, 'agent@example.com', 'agent password 1');
    const res = await agent('/api/v1/support-addresses', { method: 'POST', json: { address: 'agent@help.test', departmentId: salesId } });
    expect(res.status).toBe(403);
    expect((await json(res)).error).toMatchObject({ code: 'forbidden', message: expect.any(String) });
    expect((await agent('/api/v1/support-addresses/sales@help.test', { method: 'PATCH', json: { name: 'x' } })).status).toBe(403);
    expect((await agent('/api/v1/support-addresses/sales@help.test', { method: 'DELETE' })).status).toBe(403);
    const anon = await fetch(`http://127.0.0.1:${app.httpPort}/api/v1/support-addresses`);
    expect(anon.status).toBe(401);
  });
});
