import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { json, mail, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { webhookReceiver } from '../helpers/webhook-receiver.js';
import { screenshot } from './browser.js';
import { axeAudit, openAdminPanel } from './admin-panel.js';

// What an integrator does in the panel: make an API token and use it (then revoke it), and
// add a webhook whose secret, shown once, checks the signature of a real delivery that the
// delivery log then shows.


describe('API tokens and webhooks in the panel', () => {
  let app: TestApp;
  let page: Page;
  let base: string;
  let close: () => Promise<void>;
  let secret = '';
  const hook = webhookReceiver(() => secret);
  const violations: string[] = [];

  beforeAll(async () => {
    ({ app, page, base, close } = await openAdminPanel());
  });
  afterAll(async () => {
    await close?.();
    await hook.close();
  });

  it('creates an API token, shows it once, and the API takes it as Bearer until it is revoked', async () => {
    await page.goto(`${base}/admin/tokens`);
    const form = page.getByRole('form', { name: 'Create an API token' });
    await form.getByLabel('What it is for').fill('CRM sync');
    await form.getByRole('button', { name: 'Create' }).click();
    const token = (await page.locator('[data-secret]').textContent())!;
    expect(token).toMatch(/^mxd_/);
    await page.getByRole('row', { name: /CRM sync/ }).waitFor();
    await screenshot(page, 'admin-tokens');
    violations.push(...(await axeAudit(page, 'tokens')));

    const bearer = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const me = await bearer('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect((await json(me)).user.email).toBe('admin@example.com');
    expect((await bearer('/api/v1/tickets')).status).toBe(200);

    // Shown once: after a reload the list has the token's name, nowhere its secret.
    await page.reload();
    await page.getByRole('row', { name: /CRM sync/ }).waitFor();
    expect(await page.locator('[data-secret]').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    expect(await page.getByRole('row', { name: /CRM sync/ }).textContent()).not.toContain('never');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke CRM sync' }).click();
    await page.getByText('No API tokens yet.').waitFor();
    expect((await bearer('/api/v1/tickets')).status).toBe(401);
  });

  it('adds a webhook for new tickets; its secret checks the signature of the delivery the log shows', async () => {
    const url = await hook.url('/mxdesk');
    await page.goto(`${base}/admin/webhooks`);
    const form = page.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('URL').fill(url);
    await form.getByLabel('ticket.created').check();
    await form.getByRole('button', { name: 'Create' }).click();
    secret = (await page.locator('[data-secret]').textContent())!;
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await page.getByRole('row', { name: new RegExp(url) }).waitFor();

    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'Webhook me' }) })).code).toBe(250);
    await app.ingestor.idle();
    await app.webhooks.idle();
    const [ticket] = (await json(app.api('/api/v1/tickets?q=Webhook'))).items;
    expect(hook.calls).toEqual([{ event: 'ticket.created', signed: true, body: expect.objectContaining({ event: 'ticket.created', data: { ticket: expect.objectContaining({ number: ticket.number }) } }) }]);

    await page.getByRole('button', { name: `Deliveries of ${url}` }).click();
    const row = page.locator('tr[data-delivery]');
    await row.waitFor();
    expect(await row.getAttribute('data-delivery')).toBe('delivered');
    expect(await row.textContent()).toMatch(/ticket\.created.*delivered.*204/);
    await screenshot(page, 'admin-webhooks');
    violations.push(...(await axeAudit(page, 'webhooks')));

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Delete ${url}` }).click();
    await expect.poll(async () => (await json(app.api('/api/v1/webhooks'))).items).toEqual([]);
    expect(violations).toEqual([]);
  });
});
