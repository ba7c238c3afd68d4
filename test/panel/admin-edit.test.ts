import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { json, mail, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { webhookReceiver, type ReceivedCall } from '../helpers/webhook-receiver.js';
import { apiError, person, ticketByMail, type Person } from '../helpdesk/fixture.js';
import { screenshot } from './browser.js';
import { axeAudit, openAdminPanel } from './admin-panel.js';

// What an admin changes after the fact: where a webhook points and what it hears (its secret
// untouched), and a SLA policy's escalations. Each change is made in the panel and checked
// where it matters: a real delivery at the new receiver, an escalation the SLA job runs.

const SECRET = 'a-secret-the-receiver-was-given-once';


// The clock the server runs on; the SLA test moves it. Noon UTC on a Monday, open all day.
const T0 = Date.UTC(2026, 10, 23, 12);
const MINUTE = 60_000;
// Days that run to midnight (24:00, which a time field cannot hold) and a Sunday of two
// spans: the form must save both back as they were.
const ALL_DAY = {
  ...Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['00:00', '24:00']]])),
  sun: [['06:00', '11:00'], ['13:00', '24:00']],
};

describe('editing webhooks and SLA escalations in the panel', () => {
  let app: TestApp;
  let page: Page;
  let base: string;
  let close: () => Promise<void>;
  let clock = T0;
  let jane: Person;
  const oldHook = webhookReceiver(() => SECRET);
  const newHook = webhookReceiver(() => SECRET);
  const violations: string[] = [];

  beforeAll(async () => {
    ({ app, page, base, close } = await openAdminPanel({ now: () => clock }));
    jane = await person(app, 'agent', 'jane', []);
  });
  afterAll(async () => {
    await close?.();
    await Promise.all([oldHook.close(), newHook.close()]);
  });

  const makeHook = async (url: string, events: string[]) => {
    const res = await app.api('/api/v1/webhooks', { method: 'POST', json: { url, events, secret: SECRET } });
    expect(res.status).toBe(201);
    return (await json(res)).id as string;
  };

  it('refuses a bad URL or events list with 400 naming the field, an agent with 403, a change without CSRF with 403', async () => {
    const id = await makeHook(await oldHook.url(), ['ticket.updated']);
    const patch = (body: unknown, client = app.api, headers?: Record<string, string>) => apiError(client(`/api/v1/webhooks/${id}`, { method: 'PATCH', json: body, headers }));

    expect(await patch({ url: 'ftp://crm.example.com/hook' })).toMatchObject({ status: 400, code: 'invalid_request', message: expect.stringContaining('body/url') });
    expect(await patch({ url: 'http://crm example.com/hook' })).toMatchObject({ status: 400, code: 'invalid_url', message: expect.stringContaining('body/url') });
    expect(await patch({ events: [] })).toMatchObject({ status: 400, message: expect.stringContaining('body/events') });
    expect(await patch({ events: ['ticket.exploded'] })).toMatchObject({ status: 400, message: expect.stringContaining('body/events') });
    expect(await patch({ url: 'https://crm.example.com/hook' }, jane.api)).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await patch({ url: 'https://crm.example.com/hook' }, app.api, { 'x-csrf-token': 'forged' })).toMatchObject({ status: 403, code: 'csrf' });

    // Nothing of it stuck, and an admin's change answers without the secret.
    const ok = await app.api(`/api/v1/webhooks/${id}`, { method: 'PATCH', json: { events: ['ticket.updated', 'message.received'] } });
    expect(ok.status).toBe(200);
    const changed = await json(ok);
    expect(changed).toMatchObject({ url: await oldHook.url(), events: ['ticket.updated', 'message.received'] });
    expect(JSON.stringify(changed)).not.toContain(SECRET);
    expect(Object.keys(changed)).not.toContain('secret');

    // The OpenAPI document has the route with its body schema.
    const doc = await json(fetch(`${base}/api/docs/openapi.json`));
    expect(Object.keys(doc.paths['/api/v1/webhooks/{id}'].patch.requestBody.content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['url', 'events']));
    await app.api(`/api/v1/webhooks/${id}`, { method: 'DELETE' });
  });

  it('moves a webhook to a new URL and events in the screen; the next event arrives there, signed with the unchanged secret', async () => {
    const before = await oldHook.url();
    const after = await newHook.url();
    await makeHook(before, ['ticket.updated']);
    oldHook.calls.length = 0;

    await page.goto(`${base}/admin/webhooks`);
    await page.getByRole('button', { name: `Edit ${before}` }).click();
    const form = page.getByRole('form', { name: `Edit ${before}` });
    expect(await form.getByLabel('URL').inputValue()).toBe(before);
    expect(await form.getByLabel('ticket.updated').isChecked()).toBe(true);
    expect(await form.getByLabel('ticket.created').isChecked()).toBe(false);

    // The server's refusal shows on the field it is about, described by it for screen readers.
    await form.getByLabel('URL').fill('ftp://127.0.0.1/hook');
    await form.getByRole('button', { name: 'Save' }).click();
    const urlField = form.getByLabel('URL');
    await expect.poll(() => urlField.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`#${(await urlField.getAttribute('aria-describedby'))!}`).textContent()).toContain('body/url');
    await form.getByLabel('ticket.updated').uncheck();
    await form.getByLabel('URL').fill(after);
    await form.getByRole('button', { name: 'Save' }).click();
    const events = form.getByRole('group', { name: 'Events' });
    await expect.poll(() => events.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`#${(await events.getAttribute('aria-describedby'))!}`).textContent()).toContain('body/events');
    violations.push(...(await axeAudit(page, 'webhook edit refused')));
    expect(await urlField.getAttribute('aria-invalid')).toBeNull();

    await form.getByLabel('ticket.created').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: new RegExp(after) }).waitFor();
    expect(await form.count()).toBe(0);
    expect(await page.getByRole('row', { name: new RegExp(after) }).textContent()).toContain('ticket.created');
    expect((await json(app.api('/api/v1/webhooks'))).items).toEqual([expect.objectContaining({ url: after, events: ['ticket.created'], enabled: true })]);
    // The secret was shown at creation only (here: set through the API); editing shows it nowhere.
    expect(await page.content()).not.toContain(SECRET);
    expect(await page.locator('[data-secret]').count()).toBe(0);
    await screenshot(page, 'admin-webhook-edit');
    violations.push(...(await axeAudit(page, 'webhook edit')));

    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'Moved hook' }) })).code).toBe(250);
    await app.ingestor.idle();
    await app.webhooks.idle();
    const [ticket] = (await json(app.api('/api/v1/tickets?q=moved'))).items;
    const seen = (c: ReceivedCall) => ({ event: c.event, signed: c.signed, ticket: c.body.data?.ticket?.number });
    expect(newHook.calls.map(seen)).toEqual([{ event: 'ticket.created', signed: true, ticket: ticket.number }]);
    expect(oldHook.calls).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('adds an escalation to a policy in the screen; it is stored, shown again, and the SLA job runs it', async () => {
    const temp = await person(app, 'agent', 'temp', []);
    // The last one applies to any ticket the others do not (no priority, no severity): the
    // form draws only the per-priority ones and must keep it on save.
    const targets = [...['low', 'medium', 'high', 'urgent'].map((priority) => ({ priority, firstResponseMinutes: 60, resolutionMinutes: 600 })), { firstResponseMinutes: 240, resolutionMinutes: 2400 }];
    const created = await app.api('/api/v1/sla-policies', { method: 'POST', json: { name: 'Round the clock', departmentId: null, calendar: { timeZone: 'UTC', week: ALL_DAY }, targets } });
    expect(created.status).toBe(201);
    const policyId = (await json(created)).id as string;

    await page.goto(`${base}/admin/sla`);
    await page.getByRole('button', { name: 'Edit Round the clock' }).click();
    const form = page.getByRole('form', { name: 'Edit Round the clock' });
    await form.getByText('No escalations.').waitFor();
    await form.getByRole('button', { name: 'New escalation' }).click();
    const escalation = form.getByRole('group', { name: 'Escalation 1' });
    await escalation.getByLabel('Target', { exact: true }).selectOption({ label: 'First response' });
    await escalation.getByLabel(/^At/).fill('50');
    await escalation.getByLabel('Whoever owns the ticket').uncheck();
    await escalation.getByLabel('Jane').check();
    await escalation.getByLabel('Reassign to').selectOption({ label: 'Temp' });

    // Temp leaves while the form is open: the server's refusal lands on the Reassign field.
    expect((await app.api(`/api/v1/users/${temp.id}`, { method: 'DELETE' })).status).toBe(204);
    await form.getByRole('button', { name: 'Save' }).click();
    const reassign = escalation.getByLabel('Reassign to');
    await expect.poll(() => reassign.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`#${(await reassign.getAttribute('aria-describedby'))!}`).textContent()).toContain(temp.id);
    expect((await json(app.api(`/api/v1/sla-policies/${policyId}`))).escalations).toEqual([]);

    // A share out of range is refused by the server's schema, on the At field, in percent.
    await escalation.getByLabel(/^At/).fill('1500');
    await reassign.selectOption({ label: 'Jane' });
    await form.getByRole('button', { name: 'Save' }).click();
    const at = escalation.getByLabel(/^At/);
    await expect.poll(() => at.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`#${(await at.getAttribute('aria-describedby'))!}`).textContent()).toMatch(/up to 1000.*body\/escalations\/0\/at/);
    expect(await reassign.getAttribute('aria-invalid')).toBeNull();
    violations.push(...(await axeAudit(page, 'sla escalation refused')));
    await at.fill('50');

    await escalation.getByLabel('Raise the priority one step').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('form', { name: 'Add an SLA policy' }).waitFor();
    const stored = await json(app.api(`/api/v1/sla-policies/${policyId}`));
    expect(stored.escalations).toEqual([{ at: 0.5, goal: 'firstResponse', notify: [jane.id], reassignTo: jane.id, raisePriority: true }]);
    // The rest of the policy went through the form unchanged.
    expect(stored.targets).toEqual(targets);
    expect(stored.calendar.week).toEqual(ALL_DAY);

    // Seen again after a reload, as stored.
    await page.reload();
    await page.getByRole('button', { name: 'Edit Round the clock' }).click();
    const again = page.getByRole('form', { name: 'Edit Round the clock' }).getByRole('group', { name: 'Escalation 1' });
    expect(await again.getByLabel(/^At/).inputValue()).toBe('50');
    expect(await again.getByLabel('Reassign to').inputValue()).toBe(jane.id);
    expect(await again.getByLabel('Jane').isChecked()).toBe(true);
    expect(await again.getByLabel('Raise the priority one step').isChecked()).toBe(true);
    await screenshot(page, 'admin-sla-escalations');
    violations.push(...(await axeAudit(page, 'sla escalations')));

    // A ticket now; half its first-response hour later the escalation runs, once.
    const n = await ticketByMail(app, 'Nobody answers');
    const before = await json(app.api(`/api/v1/tickets/${n}`));
    expect(before.assignee ?? null).toBeNull();
    clock = T0 + 29 * MINUTE;
    expect(await app.jobs.runSla()).toEqual([]);
    clock = T0 + 31 * MINUTE;
    // (The ticket of the webhook test, opened at the same time, escalates too.)
    expect((await app.jobs.runSla()).filter((e) => e.ticketNumber === n)).toEqual([{ ticketNumber: n, escalation: 'firstResponse@0.5' }]);
    expect(await app.jobs.runSla()).toEqual([]);
    const after = await json(app.api(`/api/v1/tickets/${n}`));
    expect(after.assignee).toMatchObject({ id: jane.id });
    const order = ['low', 'medium', 'high', 'urgent'];
    expect(after.priority).toBe(order[Math.min(order.indexOf(before.priority) + 1, 3)]);
    expect(after.priority).not.toBe(before.priority);
    const notices = (await json(jane.api('/api/v1/notifications'))).items.filter((x: any) => x.kind === 'escalated');
    expect(notices.map((x: any) => x.text).filter((text: string) => text.startsWith(`#${n} `))).toEqual([`#${n} reached 50% of its first response target: Nobody answers`]);

    // Removing it in the screen removes it from the policy.
    await page.getByRole('form', { name: 'Edit Round the clock' }).getByRole('button', { name: 'Remove escalation 1' }).click();
    await page.getByRole('form', { name: 'Edit Round the clock' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('form', { name: 'Add an SLA policy' }).waitFor();
    expect((await json(app.api(`/api/v1/sla-policies/${policyId}`))).escalations).toEqual([]);
    expect(violations).toEqual([]);
  });
});
