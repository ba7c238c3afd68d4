import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, departmentId, person, ticketByMail, type Person } from './fixture.js';

// Every role against every route family, and who sees which department's tickets.

describe('roles are enforced by the API, department by department', () => {
  let app: TestApp;
  let support: string;
  let sales: string;
  let agent: Person; // agent of Support
  let salesAgent: Person; // agent of Sales
  let basic: Person; // basic agent of Support
  let supportTicket: number;
  let salesTicket: number;

  beforeAll(async () => {
    app = await startTestApp();
    support = await departmentId(app, 'Support');
    sales = await departmentId(app, 'Sales');
    agent = await person(app, 'agent', 'sam', [support]);
    salesAgent = await person(app, 'agent', 'sally', [sales]);
    basic = await person(app, 'basic', 'bob', [support]);
    supportTicket = await ticketByMail(app, 'Printer on fire');
    salesTicket = await ticketByMail(app, 'Quote for 40 seats');
    expect((await app.api(`/api/v1/tickets/${salesTicket}`, { method: 'PATCH', json: { departmentId: sales } })).status).toBe(200);
  });
  afterAll(() => app.close());

  const numbers = async (p: Person) => (await json(p.api('/api/v1/tickets'))).items.map((t: any) => t.number);

  it('shows an agent only the tickets of their own departments by default, and hides the rest as 404', async () => {
    expect(await numbers(agent)).toContain(supportTicket);
    expect(await numbers(agent)).not.toContain(salesTicket);
    expect(await numbers(salesAgent)).toEqual([salesTicket]);
    const hidden = await apiError(salesAgent.api(`/api/v1/tickets/${supportTicket}`));
    expect(hidden).toMatchObject({ status: 404, code: 'not_found' });
    // Its messages, raw source and timeline are hidden the same way.
    const detail = await json(app.api(`/api/v1/tickets/${supportTicket}`));
    const messageId = detail.messages[0].id;
    expect((await salesAgent.api(`/api/v1/messages/${messageId}`)).status).toBe(404);
    expect((await salesAgent.api(`/api/v1/messages/${messageId}/raw`)).status).toBe(404);
    expect((await salesAgent.api(`/api/v1/tickets/${supportTicket}/timeline`)).status).toBe(404);
    expect((await agent.api(`/api/v1/messages/${messageId}/raw`)).status).toBe(200);
    // Admins see everything.
    expect(await numbers({ api: app.api } as Person)).toEqual(expect.arrayContaining([supportTicket, salesTicket]));
  });

  it('lets agents see every department when the admin says so', async () => {
    expect((await app.api('/api/v1/settings', { method: 'PATCH', json: { agentVisibility: 'all' } })).status).toBe(200);
    expect(await numbers(salesAgent)).toEqual(expect.arrayContaining([supportTicket, salesTicket]));
    expect((await salesAgent.api(`/api/v1/tickets/${supportTicket}`)).status).toBe(200);
    expect((await app.api('/api/v1/settings', { method: 'PATCH', json: { agentVisibility: 'own' } })).status).toBe(200);
    expect(await numbers(salesAgent)).toEqual([salesTicket]);
  });

  it('users: admin only', async () => {
    expect((await app.api('/api/v1/users')).status).toBe(200);
    for (const p of [agent, basic]) {
      expect(await apiError(p.api('/api/v1/users'))).toMatchObject({ status: 403, code: 'forbidden' });
      expect((await p.api('/api/v1/users', { method: 'POST', json: { email: 'x@staff.test', name: 'X', role: 'admin' } })).status).toBe(403);
      expect((await p.api(`/api/v1/users/${p.id}`, { method: 'PATCH', json: { role: 'admin' } })).status).toBe(403);
      expect((await p.api(`/api/v1/users/${agent.id}`, { method: 'DELETE' })).status).toBe(403);
    }
    const users = (await json(app.api('/api/v1/users'))).items;
    expect(users.find((u: any) => u.id === agent.id)).toMatchObject({ role: 'agent', departments: [support], active: true });
    expect(JSON.stringify(users)).not.toMatch(/scrypt|passwordHash/);
  });

  it('agents: everyone may list who can be assigned, without anything secret', async () => {
    const { items } = await json(basic.api('/api/v1/agents'));
    expect(items.map((u: any) => u.id)).toEqual(expect.arrayContaining([agent.id, salesAgent.id, basic.id]));
    expect(Object.keys(items[0]).sort()).toEqual(['departments', 'email', 'id', 'name', 'role']);
  });

  it('departments: everyone lists them with members, only admins change them', async () => {
    const { items } = await json(basic.api('/api/v1/departments'));
    expect(items.find((d: any) => d.id === sales).members.map((m: any) => m.id)).toEqual([salesAgent.id]);
    expect((await agent.api('/api/v1/departments', { method: 'POST', json: { name: 'Mine' } })).status).toBe(403);
    expect((await basic.api(`/api/v1/departments/${sales}`, { method: 'PATCH', json: { name: 'Ours' } })).status).toBe(403);
    const billing = await app.api('/api/v1/departments', { method: 'POST', json: { name: 'Billing', members: [agent.id], autoCloseDays: 3 } });
    expect(billing.status).toBe(201);
    const created = await json(billing);
    expect(created).toMatchObject({ name: 'Billing', autoCloseDays: 3, members: [{ id: agent.id }] });
    const me = await json(agent.api('/api/v1/auth/me'));
    expect(me.user.departments).toEqual([support, created.id]);
  });

  it('tickets read: every role reads the tickets it may see', async () => {
    for (const p of [agent, basic]) expect((await p.api(`/api/v1/tickets/${supportTicket}`)).status).toBe(200);
    expect((await app.api(`/api/v1/tickets/${salesTicket}`)).status).toBe(200);
  });

  it('ticket update: admins and agents change fields, basic agents may not', async () => {
    expect((await app.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { severity: 'S2' } })).status).toBe(200);
    const byAgent = await agent.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { priority: 'high' } });
    expect(byAgent.status).toBe(200);
    expect((await json(byAgent)).priority).toBe('high');
    const byBasic = await apiError(basic.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { priority: 'low' } }));
    expect(byBasic).toMatchObject({ status: 403, code: 'forbidden' });
    expect(byBasic.message).toMatch(/basic/);
    // Another department's ticket does not exist for this agent.
    expect((await agent.api(`/api/v1/tickets/${salesTicket}`, { method: 'PATCH', json: { priority: 'low' } })).status).toBe(404);
  });

  it('assignment: an agent assigns within their departments only', async () => {
    const toSelf = await agent.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { assigneeId: agent.id } });
    expect(toSelf.status).toBe(200);
    expect((await json(toSelf)).assignee).toEqual({ id: agent.id, name: 'Sam' });
    const toOutsider = await apiError(agent.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { assigneeId: salesAgent.id } }));
    expect(toOutsider).toMatchObject({ status: 403 });
    expect(toOutsider.message).toMatch(/not a member/);
    const move = await apiError(agent.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { departmentId: sales } }));
    expect(move).toMatchObject({ status: 403 });
    expect(await apiError(agent.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { assigneeId: basic.id } }))).toMatchObject({ status: 400, code: 'bad_assignee' });
    // An admin assigns anywhere.
    expect((await app.api(`/api/v1/tickets/${supportTicket}`, { method: 'PATCH', json: { assigneeId: salesAgent.id } })).status).toBe(200);
  });

  it('comments: every role comments on tickets it sees, nobody on the others', async () => {
    for (const p of [agent, basic, { api: app.api } as Person]) {
      const res = await p.api(`/api/v1/tickets/${supportTicket}/comments`, { method: 'POST', json: { text: 'Checked the printer.' } });
      expect(res.status).toBe(201);
    }
    expect((await basic.api(`/api/v1/tickets/${salesTicket}/comments`, { method: 'POST', json: { text: 'hi' } })).status).toBe(404);
    const { items } = await json(basic.api(`/api/v1/tickets/${supportTicket}/comments`));
    expect(items.map((c: any) => c.author.name)).toEqual(['Sam', 'Bob', 'Admin']);
  });

  it('settings and audit: admin only', async () => {
    for (const p of [agent, basic]) {
      expect((await p.api('/api/v1/settings')).status).toBe(403);
      expect((await p.api('/api/v1/settings', { method: 'PATCH', json: { agentVisibility: 'all' } })).status).toBe(403);
      expect((await p.api('/api/v1/audit')).status).toBe(403);
    }
  });

  it('keeps at least one active admin, and a deleted user is logged out at once', async () => {
    const admin = (await json(app.api('/api/v1/auth/me'))).user;
    expect(await apiError(app.api(`/api/v1/users/${admin.id}`, { method: 'PATCH', json: { role: 'agent' } }))).toMatchObject({ status: 409, code: 'last_admin' });
    expect(await apiError(app.api(`/api/v1/users/${admin.id}`, { method: 'DELETE' }))).toMatchObject({ status: 400, code: 'self_delete' });
    const temp = await person(app, 'agent', 'tina', [support]);
    expect((await temp.api('/api/v1/tickets')).status).toBe(200);
    expect((await app.api(`/api/v1/users/${temp.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await apiError(temp.api('/api/v1/tickets'))).toMatchObject({ status: 401 });
  });
});
