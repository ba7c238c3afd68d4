import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { json, mail, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { screenshot } from './browser.js';
import { axeAudit, openAdminPanel } from './admin-panel.js';

// The dashboard draws GET /stats: mails sent by SMTP in the test to two departments, one
// ticket closed, and the figures on the screen (cards, chart labels, tables, CSV) must be
// the API's, for all departments and for one.

describe('the statistics dashboard', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let close: () => Promise<void>;
  let sales = '';

  beforeAll(async () => {
    ({ app, browser, page, base, close } = await openAdminPanel());
    sales = (await json(app.api('/api/v1/departments', { method: 'POST', json: { name: 'Sales' } }))).id;
    expect((await app.api('/api/v1/support-addresses', { method: 'POST', json: { address: 'sales@support.test', name: 'Sales', departmentId: sales } })).status).toBe(201);
    const send = (to: string, subject: string) => sendMail(app.smtpPort, { from: 'alice@example.com', to: [to], message: mail({ to, subject }) });
    for (const [to, subject] of [['support@support.test', 'Broken zip'], ['support@support.test', 'Late parcel'], ['support@support.test', 'Wrong size'], ['sales@support.test', 'Bulk price']]) {
      expect((await send(to!, subject!)).code).toBe(250);
    }
    await app.ingestor.idle();
    const [late] = (await json(app.api('/api/v1/tickets?q=Late'))).items;
    expect((await app.api(`/api/v1/tickets/${late.number}`, { method: 'PATCH', json: { status: 'closed' } })).status).toBe(200);
  });
  afterAll(async () => close?.());

  const card = (key: string) => page.locator(`[data-stat="${key}"] dd`).textContent();
  const today = new Date().toISOString().slice(0, 10);

  it('shows the figures of the stats API as cards, charts with text, and tables', async () => {
    const stats = await json(app.api('/api/v1/stats'));
    expect(stats).toMatchObject({ total: 4, open: 3 });
    await page.goto(`${base}/admin/dashboard`);
    await page.getByRole('heading', { name: 'Dashboard', level: 2 }).waitFor();
    await page.locator('[data-stat="total"]').waitFor();
    expect(await card('total')).toBe(String(stats.total));
    expect(await card('open')).toBe(String(stats.open));
    expect(await card('overdue')).toBe(String(stats.overdue));

    // The chart's picture has a sentence; the table beside it has each day.
    const created = stats.daily.reduce((a: number, d: { created: number }) => a + d.created, 0);
    const closed = stats.daily.reduce((a: number, d: { closed: number }) => a + d.closed, 0);
    expect([created, closed]).toEqual([4, 1]);
    expect(await page.getByRole('img', { name: /^Tickets per day:/ }).getAttribute('aria-label')).toContain(`${created} created and ${closed} closed over ${stats.daily.length} days`);
    await page.getByText('Tickets per day as a table').click();
    expect(await page.locator('#daily tr').filter({ hasText: today }).locator('td').allTextContents()).toEqual(['4', '1']);

    // Per department: the bars' sentence and the table carry the API's numbers by name.
    const byDept = Object.fromEntries(stats.byDepartment.map((d: { key: string; total: number }) => [d.key, d.total]));
    expect(byDept[sales]).toBe(1);
    expect(await page.getByRole('img', { name: /^Tickets per department:/ }).getAttribute('aria-label')).toMatch(/Sales 1/);
    const salesRow = page.locator(`#by-department tr[data-key="${sales}"]`);
    expect(await salesRow.locator('th').textContent()).toBe('Sales');
    expect(await salesRow.locator('td').first().textContent()).toBe('1');
    expect(await page.locator('#by-agent tr[data-key="unassigned"] td').first().textContent()).toBe('4');
    expect(await page.locator('#by-address tr[data-key="sales@support.test"] td').first().textContent()).toBe('1');
    expect(await page.locator('#by-address tr[data-key="support@support.test"] td').first().textContent()).toBe('3');
    await screenshot(page, 'admin-dashboard');
    expect(await axeAudit(page, 'dashboard')).toEqual([]);
  });

  it('filters by department, and the CSV link downloads the same figures', async () => {
    const filters = page.getByRole('form', { name: 'Period and department' });
    await filters.getByLabel('Department').selectOption({ label: 'Sales' });
    await expect.poll(() => card('total')).toBe('1');
    const stats = await json(app.api(`/api/v1/stats?department=${sales}`));
    expect(stats.total).toBe(1);
    expect(await card('open')).toBe(String(stats.open));

    const href = (await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!;
    expect(href).toContain(`department=${sales}`);
    const csv = await page.request.get(`${base}${href}`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const all = (await csv.text()).split('\r\n').find((l) => l.startsWith('all,'));
    expect(all?.split(',').slice(2, 4)).toEqual(['1', '1']);

    // A period in which nothing arrived: every figure drops to zero.
    await filters.getByLabel('From').fill('2025-01-01');
    await filters.getByLabel('To').fill('2025-01-31');
    await expect.poll(() => card('total')).toBe('0');
  });

  it('fits a phone', async () => {
    const storageState = await page.context().storageState();
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB', storageState })).newPage();
    await phone.goto(`${base}/admin/dashboard`);
    await phone.locator('[data-stat="total"]').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'admin-dashboard-phone');
  });
});
