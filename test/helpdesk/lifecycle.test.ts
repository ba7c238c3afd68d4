import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMail } from '../helpers/smtp-client.js';
import { ADMIN, baseUrl, json, login, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { departmentId, person, ticketByMail, type Person } from './fixture.js';

const DAY = 86_400_000;

describe('the ticket lifecycle, on a clock the test moves', () => {
  let app: TestApp;
  let clock = Date.now();
  let support: string;
  let jane: Person;
  let joe: Person;
  let basic: Person;

  beforeAll(async () => {
    app = await startTestApp({ now: () => clock });
    support = await departmentId(app, 'Support');
    jane = await person(app, 'agent', 'jane', [support]);
    joe = await person(app, 'agent', 'joe', [support]);
    basic = await person(app, 'basic', 'bea', [support]);
  });
  afterAll(() => app.close());

  const patch = (n: number, body: unknown, who: { api: TestApp['api'] } = app) => who.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: body });
  const ticket = (n: number) => json(app.api(`/api/v1/tickets/${n}`));
  const timeline = async (n: number) => (await json(app.api(`/api/v1/tickets/${n}/timeline`))).items;

  it('updates every field and writes each change to the timeline: who, when, what', async () => {
    for (const def of [
      { key: 'orderId', label: 'Order', type: 'text' },
      { key: 'seats', label: 'Seats', type: 'number' },
      { key: 'paid', label: 'Paid', type: 'checkbox' },
    ]) expect((await app.api('/api/v1/custom-fields', { method: 'POST', json: def })).status).toBe(201);
    const n = await ticketByMail(app, 'Invoice is wrong');
    clock += 60_000;
    const due = clock + 3 * DAY;
    const res = await patch(n, {
      status: 'hold',
      priority: 'urgent',
      severity: 'S1',
      dueAt: due,
      tags: ['Billing', 'billing', 'vip'],
      customFields: { orderId: 'A-1001', seats: 40, paid: false },
      links: [{ type: 'crm-deal', id: '77', url: 'https://crm.example.com/deals/77' }],
    }, jane);
    expect(res.status).toBe(200);
    const t = await ticket(n);
    expect(t).toMatchObject({ status: 'hold', priority: 'urgent', severity: 'S1', dueAt: due, tags: ['billing', 'vip'], customFields: { orderId: 'A-1001', seats: 40, paid: false } });
    expect(t.links).toEqual([{ type: 'crm-deal', id: '77', url: 'https://crm.example.com/deals/77' }]);
    expect(t.updatedAt).toBe(clock);

    const entries = await timeline(n);
    expect(entries.map((e: any) => e.what)).toEqual(['status', 'priority', 'severity', 'dueAt', 'tags', 'links', 'customFields']);
    expect(entries[0]).toMatchObject({ by: { id: jane.id, name: 'Jane' }, at: clock, from: 'open', to: 'hold' });
    expect(entries[1]).toMatchObject({ from: 'medium', to: 'urgent' });

    // Setting what is already set changes nothing; null removes a custom field.
    await patch(n, { priority: 'urgent', customFields: { paid: null } });
    const after = await timeline(n);
    expect(after).toHaveLength(8);
    expect(after[7]).toMatchObject({ what: 'customFields', to: { orderId: 'A-1001', seats: 40 } });
  });

  it('checks custom values against the fields admins define', async () => {
    const n = await ticketByMail(app, 'Custom fields');
    expect((await jane.api('/api/v1/custom-fields', { method: 'POST', json: { key: 'x', label: 'X', type: 'text' } })).status).toBe(403);
    await app.api('/api/v1/custom-fields', { method: 'POST', json: { key: 'plan', label: 'Plan', type: 'select', options: ['basic', 'pro'] } });
    await app.api('/api/v1/custom-fields', { method: 'POST', json: { key: 'renewal', label: 'Renewal', type: 'date' } });
    const bad = async (customFields: unknown) => (await json(patch(n, { customFields }, jane))).error;
    expect(await bad({ plan: 'gold' })).toEqual({ code: 'invalid_custom_field', message: 'Plan takes one of: basic, pro.' });
    expect((await bad({ renewal: '2026-02-30' })).message).toBe('Renewal takes a date as YYYY-MM-DD.');
    expect((await bad({ seats: 'many' })).message).toBe('Seats takes a number.');
    expect((await bad({ color: 'red' })).message).toMatch(/no custom field "color"/);
    expect((await patch(n, { customFields: { plan: 'pro', renewal: '2027-01-31', seats: 3 } }, jane)).status).toBe(200);
    expect((await ticket(n)).customFields).toEqual({ plan: 'pro', renewal: '2027-01-31', seats: 3 });
    expect((await json(basic.api('/api/v1/custom-fields'))).items.map((d: any) => d.key)).toEqual(['orderId', 'seats', 'paid', 'plan', 'renewal']);
  });

  it('stamps closedAt on close and clears it when the ticket opens again', async () => {
    const n = await ticketByMail(app, 'Close me');
    clock += 1000;
    await patch(n, { status: 'closed' });
    expect((await ticket(n)).closedAt).toBe(clock);
    clock += 1000;
    await patch(n, { status: 'open' });
    expect((await ticket(n)).closedAt).toBeNull();
  });

  it('gives the assignee a task and a notification; reassigning or closing ends the task', async () => {
    const n = await ticketByMail(app, 'Refund please');
    await patch(n, { assigneeId: jane.id }, joe);
    const janeTasks = (await json(jane.api('/api/v1/tasks'))).items;
    expect(janeTasks).toEqual([expect.objectContaining({ ticketNumber: n, title: `#${n} Refund please`, doneAt: null })]);
    const notes = (await json(jane.api('/api/v1/notifications?unread=true'))).items;
    expect(notes[0]).toMatchObject({ kind: 'assigned', ticketNumber: n, by: { name: 'Joe' } });
    expect((await json(jane.api('/api/v1/tickets?view=mine'))).items.map((t: any) => t.number)).toEqual([n]);

    await patch(n, { assigneeId: joe.id }, jane);
    expect((await json(jane.api('/api/v1/tasks'))).items).toEqual([]);
    expect((await json(jane.api('/api/v1/tasks?done=true'))).items.map((t: any) => t.ticketNumber)).toEqual([n]);
    expect((await json(joe.api('/api/v1/tasks'))).items.map((t: any) => t.ticketNumber)).toEqual([n]);

    await patch(n, { status: 'closed' }, joe);
    expect((await json(joe.api('/api/v1/tasks'))).items).toEqual([]);
    const who = (await timeline(n)).filter((e: any) => e.what === 'assigneeId').map((e: any) => [e.from, e.to]);
    expect(who).toEqual([[null, jane.id], [jane.id, joe.id]]);
  });

  it('keeps internal comments apart from the mail and notifies agents named with @', async () => {
    const n = await ticketByMail(app, 'Strange charge');
    const before = (await ticket(n)).messageCount;
    const res = await basic.api(`/api/v1/tickets/${n}/comments`, { method: 'POST', json: { text: '@jane can you look? cc @nobody' } });
    expect(res.status).toBe(201);
    expect((await json(res)).mentions).toEqual([jane.id]);
    const note = (await json(jane.api('/api/v1/notifications'))).items.find((x: any) => x.kind === 'mention');
    expect(note).toMatchObject({ ticketNumber: n, by: { name: 'Bea' }, readAt: null });
    expect((await json(joe.api('/api/v1/notifications'))).items.filter((x: any) => x.kind === 'mention')).toEqual([]);
    // A comment is not a message: nothing was added to the mail thread or queued to the customer.
    const t = await ticket(n);
    expect(t.messageCount).toBe(before);
    expect(t.messages.every((m: any) => m.direction === 'in')).toBe(true);
    expect((await timeline(n)).at(-1)).toMatchObject({ what: 'comment', by: { name: 'Bea' } });

    expect((await json(jane.api('/api/v1/notifications/read', { method: 'POST', json: {} }))).read).toBeGreaterThan(0);
    expect((await json(jane.api('/api/v1/notifications?unread=true'))).items).toEqual([]);
  });

  it('closes Waiting tickets after N days without a customer reply, per department', async () => {
    const fast = await departmentId(app, 'Fast');
    await app.api(`/api/v1/departments/${fast}`, { method: 'PATCH', json: { autoCloseDays: 2 } });
    const quiet = await ticketByMail(app, 'Quiet customer');
    const answers = await ticketByMail(app, 'Chatty customer', 'carol@customer.test');
    const hurried = await ticketByMail(app, 'Fast lane');
    await patch(hurried, { departmentId: fast });
    for (const n of [quiet, answers, hurried]) await patch(n, { status: 'waiting' });
    const wentWaiting = clock;

    clock = wentWaiting + 2 * DAY + 1;
    expect(await app.jobs.runAutoClose()).toEqual([hurried]);

    // The customer answers on day 3: the ticket opens again and the count stops.
    clock = wentWaiting + 3 * DAY;
    const reply = mail({ from: 'Carol <carol@customer.test>', subject: `Re: [#${answers}] Chatty customer`, body: 'Still broken.' });
    expect((await sendMail(app.smtpPort, { from: 'carol@customer.test', to: ['support@support.test'], message: reply })).code).toBe(250);
    await app.ingestor.idle();
    expect((await ticket(answers)).status).toBe('open');

    clock = wentWaiting + 7 * DAY - 1;
    expect(await app.jobs.runAutoClose()).toEqual([]);
    clock = wentWaiting + 7 * DAY;
    expect(await app.jobs.runAutoClose()).toEqual([quiet]);

    const closed = await ticket(quiet);
    expect(closed).toMatchObject({ status: 'closed', closedAt: clock });
    expect((await timeline(quiet)).at(-1)).toMatchObject({ what: 'status', from: 'waiting', to: 'closed', by: { id: 'system' }, note: 'No reply from the customer for 7 days.' });
    expect((await ticket(answers)).status).toBe('open');
  });

  it('lets the customer reopen an auto-closed ticket within the reopen window', async () => {
    const n = await ticketByMail(app, 'Came back later', 'dave@customer.test');
    await patch(n, { status: 'waiting' });
    clock += 8 * DAY;
    await app.jobs.runAutoClose();
    clock += 13 * DAY; // reopen window is 14 days from the close
    // Sessions last 14 days on this clock too: log in again.
    app.api = await login(baseUrl(app), ADMIN.email, ADMIN.password);
    expect((await ticket(n)).status).toBe('closed');
    const before = (await ticket(n)).messageCount;
    const reply = mail({ from: 'Dave <dave@customer.test>', subject: `Re: [#${n}] Came back later` });
    await sendMail(app.smtpPort, { from: 'dave@customer.test', to: ['support@support.test'], message: reply });
    await app.ingestor.idle();
    expect(await ticket(n)).toMatchObject({ status: 'open', closedAt: null, messageCount: before + 1 });
    expect((await timeline(n)).at(-1)).toMatchObject({ what: 'status', from: 'closed', to: 'open', at: clock, by: { id: 'customer', name: 'Dave' } });
  });

  it('writes the reopen of a Waiting ticket by a customer reply to the timeline', async () => {
    const n = await ticketByMail(app, 'Waiting for me', 'erin@customer.test');
    await patch(n, { status: 'waiting' });
    clock += DAY;
    const reply = mail({ from: 'Erin <erin@customer.test>', subject: `Re: [#${n}] Waiting for me` });
    await sendMail(app.smtpPort, { from: 'erin@customer.test', to: ['support@support.test'], message: reply });
    await app.ingestor.idle();
    expect((await ticket(n)).status).toBe('open');
    const entries = await timeline(n);
    expect(entries.at(-1)).toMatchObject({ what: 'status', from: 'waiting', to: 'open', at: clock, by: { id: 'customer', name: 'Erin' } });
    expect(entries.at(-1).note).toContain('erin@customer.test');
    // A reply to an Open ticket changes no status and writes no line.
    const again = mail({ from: 'Erin <erin@customer.test>', subject: `Re: [#${n}] Waiting for me` });
    await sendMail(app.smtpPort, { from: 'erin@customer.test', to: ['support@support.test'], message: again });
    await app.ingestor.idle();
    expect(await timeline(n)).toHaveLength(entries.length);
  });
});
