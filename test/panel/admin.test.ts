import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { json, type TestApp } from '../helpers/app.js';
import { SmtpClient } from '../helpers/smtp-client.js';
import { startRelay, type Relay } from '../outbound/relays.js';
import { screenshot } from './browser.js';
import { axeAudit, openAdminPanel } from './admin-panel.js';

// An admin sets the desk up in the panel: a support alias and its intake switch (the MX
// obeys at once), a From address on a real relay with its connection test, a new user.

describe('the admin screens in Chromium', () => {
  let app: TestApp;
  let relay: Relay;
  let browser: Browser;
  let page: Page;
  let base: string;
  const violations: string[] = [];
  const audit = async (where: string) => void violations.push(...(await axeAudit(page, where)));

  let close: () => Promise<void>;

  beforeAll(async () => {
    [{ app, browser, page, base, close }, relay] = await Promise.all([openAdminPanel(), startRelay('plain')]);
  });
  afterAll(async () => {
    await close?.();
    await relay?.close();
  });

  const rcpt = async (address: string) => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    try {
      await client.send('EHLO client.example.com');
      await client.send('MAIL FROM:<alice@example.com>');
      return await client.send(`RCPT TO:<${address}>`);
    } finally {
      await client.quit();
    }
  };

  it('adds an alias, then turns its intake off, and the MX refuses mail to it', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Support addresses' }).waitFor();
    const form = page.getByRole('form', { name: 'Add an alias' });
    await form.getByLabel('Address').fill('billing@support.test');
    await form.getByLabel('Name').fill('Billing');
    await form.getByRole('button', { name: 'Add' }).click();
    const intake = page.getByLabel('Takes mail at billing@support.test');
    await intake.waitFor();
    expect(await intake.isChecked()).toBe(true);
    expect((await rcpt('billing@support.test')).code).toBe(250);
    await screenshot(page, 'admin-support-addresses');
    await audit('support addresses');

    await intake.uncheck();
    await expect.poll(async () => (await json(app.api('/api/v1/support-addresses'))).items.find((a: { address: string }) => a.address === 'billing@support.test').intake).toBe(false);
    const refused = await rcpt('billing@support.test');
    expect(refused.code).toBe(550);
    expect(refused.raw).toContain('5.2.1');
    expect(await intake.isChecked()).toBe(false);
  });

  it('adds a From address on a relay and tests the connection, with the sentence shown', async () => {
    await page.getByRole('link', { name: 'From addresses' }).click();
    await page.getByRole('button', { name: 'Add a From address' }).click();
    const form = page.getByRole('form', { name: 'Add a From address' });
    await form.getByLabel('Address').fill('support@support.test');
    await form.getByLabel('Name').fill('Support Team');
    await form.getByLabel('Relay host').fill('127.0.0.1');
    await form.getByLabel('Port').fill(String(relay.port));
    await form.getByLabel('Security').selectOption('plain');
    await screenshot(page, 'admin-from-address-form');
    await audit('from address form');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Test connection of support@support.test' }).click();
    const result = page.locator('[data-test-result="ok"]');
    await result.waitFor();
    expect(await result.textContent()).toMatch(new RegExp(`^OK: connected to 127\\.0\\.0\\.1:${relay.port}`));
    const [stored] = (await json(app.api('/api/v1/from-addresses'))).items;
    expect(stored.relay).toMatchObject({ host: '127.0.0.1', port: relay.port, security: 'plain' });
    await screenshot(page, 'admin-from-addresses');

    // Edit: a port nobody listens on, and the test says so in words.
    await page.getByRole('button', { name: 'Edit support@support.test' }).click();
    const edit = page.getByRole('form', { name: 'Edit support@support.test' });
    await edit.getByLabel('Port').fill('1');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await json(app.api('/api/v1/from-addresses'))).items[0].relay.port).toBe(1);
    await page.getByRole('button', { name: 'Test connection of support@support.test' }).click();
    const failed = page.locator('[data-test-result="failed"]');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('127.0.0.1');
  });

  it('adds a user with a role, and changes the role', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Email').fill('nina@support.test');
    await form.getByLabel('Name').fill('Nina Agent');
    await form.getByLabel('Password').fill('nina-password-123');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByRole('button', { name: 'Add' }).click();
    const role = page.getByLabel('Role of nina@support.test');
    await role.waitFor();
    await role.selectOption('basic');
    await expect.poll(async () => (await json(app.api('/api/v1/users'))).items.find((u: { email: string }) => u.email === 'nina@support.test').role).toBe('basic');
    await screenshot(page, 'admin-users');
    await audit('users');
    expect(violations).toEqual([]);
  });

  it('shows no Admin menu to an agent, and the API refuses them the admin routes', async () => {
    const created = await app.api('/api/v1/users', { method: 'POST', json: { email: 'otto@support.test', name: 'Otto Agent', role: 'agent', password: 'otto-password-123' } });
    expect(created.status).toBe(201);
    const agent = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await agent.goto(`${base}/admin/users`);
    await agent.getByLabel('Email').fill('otto@support.test');
    await agent.getByLabel('Password').fill('otto-password-123');
    await agent.getByRole('button', { name: 'Log in' }).click();
    await agent.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await agent.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect((await agent.request.get(`${base}/api/v1/users`)).status()).toBe(403);
  });
});
