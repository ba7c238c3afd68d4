import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { json, mail, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { screenshot } from './browser.js';
import { axeAudit, openAdminPanel } from './admin-panel.js';

// An admin sets the desk up in the panel: the channel settings (and one taking effect on
// the next mail), a department that then appears on the ticket page, an SLA policy, a
// custom field. Each screen is checked with axe and saved as a screenshot.

describe('the desk set-up screens in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let close: () => Promise<void>;
  const violations: string[] = [];

  beforeAll(async () => void ({ app, browser, page, base, close } = await openAdminPanel()));
  afterAll(async () => close?.());

  const open = async (section: string, heading: string) => {
    await page.goto(`${base}/admin/${section}`);
    await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
  };

  it('switches "contact from Reply-To" on, and the next mail’s requester is its Reply-To', async () => {
    await open('settings', 'Channel settings');
    await page.getByLabel('Contact from Reply-To').check();
    await page.getByLabel('Public address of the desk (for rating links)').fill('https://help.support.test');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await json(app.api('/api/v1/settings'))).toMatchObject({ contactFromReplyTo: true, autoCcSupport: false });
    expect((await json(app.api('/api/v1/rating-settings'))).publicUrl).toBe('https://help.support.test');
    await screenshot(page, 'admin-settings');
    violations.push(...(await axeAudit(page, 'settings')));

    const sent = await sendMail(app.smtpPort, {
      from: 'forms@example.com',
      to: ['support@support.test'],
      message: mail({ from: 'Web Form <forms@example.com>', subject: 'Contact form: invoice copy', headers: { 'Reply-To': 'Carla Customer <carla@customer.test>' } }),
    });
    expect(sent.code).toBe(250);
    await app.ingestor.idle();
    const [ticket] = (await json(app.api('/api/v1/tickets?q=invoice'))).items;
    expect(ticket.requester.email).toBe('carla@customer.test');

    // A reload shows what the server kept, not what the form last held.
    await page.reload();
    expect(await page.getByLabel('Contact from Reply-To').isChecked()).toBe(true);
    expect(await page.getByLabel('Auto-CC the support address').isChecked()).toBe(false);
  });

  it('creates a department with a member, and an agent can move a ticket into it', async () => {
    await open('departments', 'Departments');
    const form = page.getByRole('form', { name: 'Add a department' });
    await form.getByLabel('Name', { exact: true }).fill('Billing');
    await form.getByLabel('Close waiting tickets after (days)').fill('3');
    await form.getByLabel(/Admin.*admin@example\.com/).check();
    await form.getByLabel('Ask the customer for a rating when a ticket closes').check();
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('row', { name: /Billing/ }).waitFor();

    const billing = (await json(app.api('/api/v1/departments'))).items.find((d: { name: string }) => d.name === 'Billing');
    expect(billing).toMatchObject({ autoCloseDays: 3, members: [expect.objectContaining({ email: 'admin@example.com' })] });
    expect((await json(app.api('/api/v1/rating-settings'))).departments).toEqual([billing.id]);
    expect(await page.getByRole('row', { name: /Billing/ }).textContent()).toContain('Admin');
    await screenshot(page, 'admin-departments');
    violations.push(...(await axeAudit(page, 'departments')));

    // Rename it and give its replies the agent's name in From.
    await page.getByRole('button', { name: 'Edit Billing' }).click();
    const edit = page.getByRole('form', { name: 'Edit Billing' });
    await edit.getByLabel('Name', { exact: true }).fill('Accounts');
    await edit.getByLabel('Agent name in From').selectOption('on');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row', { name: /Accounts/ }).waitFor();
    expect((await json(app.api('/api/v1/departments'))).items.find((d: { id: string }) => d.id === billing.id)).toMatchObject({ name: 'Accounts', channel: { agentNameInFrom: true } });

    // The ticket page offers the new department, and choosing it moves the ticket.
    const [ticket] = (await json(app.api('/api/v1/tickets?q=invoice'))).items;
    await page.goto(`${base}/tickets/${ticket.number}`);
    const department = page.getByRole('complementary').getByLabel('Department');
    await department.waitFor();
    // The choices come with the department list, fetched beside the ticket.
    await expect.poll(() => department.locator('option').allTextContents()).toContain('Accounts');
    await department.selectOption({ label: 'Accounts' });
    await expect.poll(async () => (await json(app.api(`/api/v1/tickets/${ticket.number}`))).department.id).toBe(billing.id);
  });

  it('writes an SLA policy with targets per priority and office hours', async () => {
    await open('sla', 'SLA policies');
    const form = page.getByRole('form', { name: 'Add an SLA policy' });
    await form.getByLabel('Name', { exact: true }).fill('Standard');
    await form.getByLabel('First response within (hours), urgent').fill('1');
    await form.getByLabel('Resolution within (hours), urgent').fill('8');
    await form.getByLabel('First response within (hours), low').fill('24');
    await form.getByLabel('Time zone').fill('Europe/Madrid');
    await form.getByRole('checkbox', { name: 'Saturday' }).check();
    await form.getByLabel('Opens on Saturday').fill('10:00');
    await form.getByLabel('Closes on Saturday').fill('14:00');
    await form.getByLabel(/^Holidays/).fill('2026-12-25');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('row', { name: /Standard/ }).waitFor();
    const [policy] = (await json(app.api('/api/v1/sla-policies'))).items;
    expect(policy).toMatchObject({ name: 'Standard', departmentId: null, enabled: true, calendar: { timeZone: 'Europe/Madrid', holidays: ['2026-12-25'] } });
    expect(policy.calendar.week).toEqual({ mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']], sat: [['10:00', '14:00']] });
    expect(policy.targets).toEqual([{ priority: 'low', firstResponseMinutes: 1440 }, { priority: 'urgent', firstResponseMinutes: 60, resolutionMinutes: 480 }]);
    await screenshot(page, 'admin-sla');
    violations.push(...(await axeAudit(page, 'sla')));

    // A time zone that does not exist comes back as the API's sentence.
    await page.getByRole('button', { name: 'Edit Standard' }).click();
    const edit = page.getByRole('form', { name: 'Edit Standard' });
    await edit.getByLabel('Time zone').fill('Mars/Olympus');
    await edit.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Mars/Olympus');
  });

  it('defines a select custom field with options, and deletes it', async () => {
    await open('custom-fields', 'Custom fields');
    const form = page.getByRole('form', { name: 'Add a custom field' });
    await form.getByLabel('Label').fill('Plan');
    await form.getByLabel('Key').fill('plan');
    await form.getByLabel('Type').selectOption('select');
    await form.getByLabel('Options (one per line)').fill('Free\nPro\nEnterprise');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('row', { name: /Plan/ }).waitFor();
    expect((await json(app.api('/api/v1/custom-fields'))).items).toEqual([{ key: 'plan', label: 'Plan', type: 'select', options: ['Free', 'Pro', 'Enterprise'] }]);
    await screenshot(page, 'admin-custom-fields');
    violations.push(...(await axeAudit(page, 'custom fields')));

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete Plan' }).click();
    await expect.poll(async () => (await json(app.api('/api/v1/custom-fields'))).items).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('reads in Spanish and fits a phone', async () => {
    // The admin's session cookie, in a browser that prefers Spanish.
    const storageState = await page.context().storageState();
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-ES', storageState })).newPage();
    await phone.goto(`${base}/admin/departments`);
    await phone.getByRole('heading', { name: 'Departamentos', level: 2 }).waitFor();
    await screenshot(phone, 'admin-departments-phone-es');
    // On every admin screen nothing is wider than the phone: tables scroll in their own box.
    const sections = await phone.getByRole('navigation', { name: 'Secciones de administración' }).getByRole('link').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname));
    expect(sections.length).toBeGreaterThanOrEqual(11);
    const tooWide: string[] = [];
    for (const path of sections) {
      await phone.goto(`${base}${path}`);
      await phone.locator('main h2').first().waitFor();
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) tooWide.push(`${path}: ${width}px`);
    }
    expect(tooWide).toEqual([]);
  });
});
