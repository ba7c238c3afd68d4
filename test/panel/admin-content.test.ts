import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { json, mail, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { departmentId, person, PASSWORD, type Person } from '../helpdesk/fixture.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { mailTo } from '../notifications/inbox.js';
import { screenshot } from './browser.js';
import { axeAudit, openAdminPanel, type AdminPanel } from './admin-panel.js';

// What an admin writes for customers and agents in the panel — the desk's own mails, the
// public help centre, canned replies — and what every user sets for themselves, each checked
// where it shows: the mail at a loopback relay, the public page, the API.

describe('templates, help centre, canned replies and preferences in the panel', () => {
  let panel: AdminPanel;
  let app: TestApp;
  let page: Page;
  let base: string;
  let relay: Relay;
  let support: string;
  let jane: Person;
  const violations: string[] = [];

  beforeAll(async () => {
    [panel, relay] = await Promise.all([openAdminPanel(), startRelay('plain')]);
    ({ app, page, base } = panel);
    // A step that cannot happen fails with what it waited for, inside the test's time.
    page.setDefaultTimeout(10_000);
    await addFromAddress(app, relay);
    support = await departmentId(app, 'Support');
    jane = await person(app, 'agent', 'jane', [support]);
  });
  afterAll(async () => {
    await panel?.close();
    await relay?.close();
  });

  it("changes Support's acknowledgement; a customer's mail by SMTP gets it; an unknown placeholder is shown on its field", async () => {
    await page.goto(`${base}/admin/templates`);
    await page.getByLabel('Department').selectOption({ label: 'Support' });
    const form = page.getByRole('form', { name: 'Templates of Support' });
    const subject = form.getByLabel('Subject, Acknowledgement of a new ticket, English', { exact: true });
    const text = form.getByLabel('Text, Acknowledgement of a new ticket, English', { exact: true });
    // The built-in text is what the fields start with.
    expect(await subject.inputValue()).toBe('{{ticket.token}} Auto: {{ticket.subject}}');
    await form.getByText('{{rating.link}}').first().waitFor();

    await subject.fill('We have your mail {{ticket.nmber}}');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').waitFor();
    expect(await subject.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await subject.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('Unknown placeholder {{ticket.nmber}}');
    expect(await text.getAttribute('aria-invalid')).toBeNull();
    expect((await json(app.api(`/api/v1/templates/${support}`))).templates).toEqual({});

    await subject.fill('We have your mail: {{ticket.subject}}');
    await text.fill('Dear {{customer.name}},\n\nticket {{ticket.number}} is with {{department.name}}.');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();
    expect(await subject.getAttribute('aria-invalid')).toBeNull();
    await form.getByRole('button', { name: 'Reset to built-in: Acknowledgement of a new ticket (English)' }).waitFor();
    await screenshot(page, 'admin-templates');
    violations.push(...(await axeAudit(page, 'templates')));

    // Only the edited template became the department's own; Spanish stays built-in.
    const stored = await json(app.api(`/api/v1/templates/${support}`));
    expect(Object.keys(stored.templates)).toEqual(['acknowledgement']);
    expect(Object.keys(stored.templates.acknowledgement)).toEqual(['en']);

    const reply = await sendMail(app.smtpPort, { from: 'rita@customer.test', to: ['support@support.test'], message: mail({ from: 'Rita <rita@customer.test>', to: 'support@support.test', subject: 'Broken kettle' }) });
    expect(reply.code).toBe(250);
    const ack = await mailTo(relay, 'rita@customer.test', /We have your mail/);
    const number = (await json(app.api('/api/v1/tickets'))).items.find((t: any) => t.requester.email === 'rita@customer.test').number;
    expect(ack.subject).toBe(`[#${number}] We have your mail: Broken kettle`);
    expect(ack.text?.trim()).toBe(`Dear Rita,\n\nticket ${number} is with Support.`);

    // Back to the built-in text: the stored own text goes, the fields show the built-in again.
    page.once('dialog', (d) => void d.accept());
    await form.getByRole('button', { name: 'Reset to built-in: Acknowledgement of a new ticket (English)' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();
    expect(await subject.inputValue()).toBe('{{ticket.token}} Auto: {{ticket.subject}}');
    expect((await json(app.api(`/api/v1/templates/${support}`))).templates).toEqual({});
  });

  it('switches on a help-centre page, refuses a reserved slug on its field, and puts a public custom field on the form', async () => {
    expect((await app.api('/api/v1/custom-fields', { method: 'POST', json: { key: 'orderNumber', label: 'Order number', type: 'text' } })).status).toBe(201);
    await page.goto(`${base}/admin/help-centre`);
    const settings = page.getByRole('form', { name: 'Help centre' });
    await settings.getByLabel('Public address of the desk').fill(base);
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByText('Saved.').waitFor();

    const form = page.getByRole('form', { name: 'Public page of Support' });
    await form.getByLabel('Page is on').check();
    const slug = form.getByLabel('Address (slug)');
    await slug.fill('portal');
    await form.getByLabel('Title').fill('Support – ask us anything');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.locator('.field-error').waitFor();
    expect(await slug.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error').textContent()).toContain('"portal"');
    expect((await app.api('/api/v1/help-centre').then(json)).pages[0].enabled).toBe(false);
    // What was typed beside the refused slug is still there to send again.
    expect(await form.getByLabel('Title').inputValue()).toBe('Support – ask us anything');

    await slug.fill('support-help');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Saved.').waitFor();
    const link = form.getByRole('link', { name: 'Open the public page of Support' });
    expect(await link.getAttribute('href')).toBe('/help/support-help');

    await page.getByLabel('On the public form: Order number').check();
    await waitFor(async () => (await json(app.api('/api/v1/custom-fields'))).items.find((f: any) => f.key === 'orderNumber')?.public === true, 'the field to be public');
    await screenshot(page, 'admin-help-centre');
    violations.push(...(await axeAudit(page, 'help centre')));

    const publicPage = await page.context().newPage();
    publicPage.setDefaultTimeout(10_000);
    await publicPage.goto(`${base}/help/support-help`);
    await publicPage.getByRole('heading', { name: 'Support – ask us anything' }).waitFor();
    await publicPage.getByLabel('Order number').waitFor();
    await publicPage.close();
  });

  it('adds and removes a canned reply', async () => {
    await page.goto(`${base}/admin/canned-replies`);
    const form = page.getByRole('form', { name: 'Add a canned reply' });
    await form.getByLabel('Name').fill('Refund policy');
    await form.getByLabel('Text').fill('Refunds take up to 5 working days.');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('row', { name: /Refund policy/ }).waitFor();
    expect((await json(jane.api('/api/v1/canned-replies'))).items.map((c: any) => c.name)).toEqual(['Refund policy']);
    // The same name twice is refused, and said.
    await form.getByLabel('Name').fill('refund policy');
    await form.getByLabel('Text').fill('Again');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('alert').getByText(/exists already/).waitFor();
    violations.push(...(await axeAudit(page, 'canned replies')));

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete Refund policy' }).click();
    await page.getByText('No canned replies yet.').waitFor();
    expect((await json(app.api('/api/v1/canned-replies'))).items).toEqual([]);
  });

  it('fits the admin content screens on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const [section, heading] of [['templates', 'Mail templates'], ['help-centre', 'Help centre'], ['canned-replies', 'Canned replies']]) {
        await page.goto(`${base}/admin/${section}`);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth), section).toBeLessThanOrEqual(390);
      }
      await screenshot(page, 'admin-canned-replies-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it("lets an agent switch off an event's mail on a phone, and keeps the admin screens and their API from them", async () => {
    const context = await panel.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
    const phone = await context.newPage();
    phone.setDefaultTimeout(10_000);
    const fetched: string[] = [];
    phone.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    await phone.goto(`${base}/`);
    await phone.getByLabel('Email').fill(jane.email);
    await phone.getByLabel('Password').fill(PASSWORD);
    await phone.getByRole('button', { name: 'Log in' }).click();
    await phone.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await phone.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await phone.getByRole('link', { name: 'Preferences' }).click();
    await phone.getByRole('heading', { name: 'My preferences' }).waitFor();
    const mailBox = phone.getByLabel('A customer replies on my ticket: by mail');
    expect(await mailBox.isChecked()).toBe(true);
    await mailBox.uncheck();
    await phone.getByRole('button', { name: 'Save' }).click();
    await phone.getByText('Saved.').waitFor();
    const prefs = (await json(jane.api('/api/v1/users/me/notification-preferences'))).preferences;
    expect(prefs['new-reply']).toEqual({ panel: true, mail: false });
    // Nothing else moved, and the admin's own choices are theirs.
    expect(prefs.mention).toEqual({ panel: true, mail: true });
    expect((await json(app.api('/api/v1/users/me/notification-preferences'))).preferences['new-reply'].mail).toBe(true);
    // Phone width: the screen fits without sideways scrolling.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'preferences-phone');
    violations.push(...(await axeAudit(phone, 'preferences')));

    // The panel language is chosen here too.
    await phone.getByLabel('Panel language (in this browser)').selectOption('es');
    await phone.getByRole('heading', { name: 'Mis preferencias' }).waitFor();

    for (const section of ['templates', 'help-centre', 'canned-replies']) {
      await phone.goto(`${base}/admin/${section}`);
      await phone.getByRole('heading', { name: 'Bandeja', exact: true }).waitFor();
      expect(await phone.getByRole('heading', { name: /Administra/ }).count()).toBe(0);
    }
    // The admin screens' code never even reaches an agent's browser.
    expect(fetched.filter((p) => p.startsWith('/assets/admin-'))).toEqual([]);
    expect(fetched.some((p) => p.startsWith('/assets/preferences-'))).toBe(true);
    const refused = [
      await jane.api(`/api/v1/templates/${support}`, { method: 'PUT', json: { closingMail: true } }),
      await jane.api('/api/v1/templates', { method: 'PUT', json: { panelUrl: 'https://evil.test' } }),
      await jane.api('/api/v1/help-centre'),
      await jane.api(`/api/v1/help-centre/pages/${support}`, { method: 'PUT', json: { enabled: false } }),
      await jane.api('/api/v1/canned-replies', { method: 'POST', json: { name: 'Mine', text: 'x' } }),
      await jane.api('/api/v1/custom-fields/orderNumber', { method: 'PATCH', json: { public: false } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect((await json(app.api(`/api/v1/templates/${support}`))).closingMail).toBe(false);
    await context.close();
  });

  it('passes the accessibility check on every screen it opened', () => {
    expect(violations).toEqual([]);
  });
});
