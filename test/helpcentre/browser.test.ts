import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { baseUrl, json, startTestApp, type TestApp } from '../helpers/app.js';
import { ticketNumbers } from '../helpers/mx.js';
import { launchChromium, screenshot } from '../panel/browser.js';
import { openHelpCentre } from './fixture.js';

// The help centre's form in real headless Chromium: a person fills it in, attaches a file
// and sends it; the page runs under its Content-Security-Policy without a violation, the
// honeypot stays out of sight, and the ticket is there with what was typed.

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('help centre form in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
    await openHelpCentre(app);
    await app.api('/api/v1/custom-fields', { method: 'POST', json: { key: 'plan', label: 'Your plan', type: 'select', options: ['Basic', 'Pro'], public: true } });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('fills in the form, attaches a file and sends it', async () => {
    const page = await (await browser.newContext()).newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${baseUrl(app)}/help/support`);
    await page.getByRole('heading', { name: 'Acme Support' }).waitFor();
    // The stylesheet applies (it is the only way the honeypot is hidden) and the honeypot is out of sight.
    expect(await page.locator('#website').evaluate((el) => el.getBoundingClientRect().right <= 0)).toBe(true);
    // Customers include people with screen readers: labels, contrast, landmarks (WCAG 2.1 AA).
    expect(await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze().then((r) => r.violations.map((v) => `${v.id}: ${v.help}`))).toEqual([]);

    await page.getByLabel('Your name').fill('Björn Kunde');
    await page.getByLabel('Your email address').fill('bjorn@customer.test');
    await page.getByLabel('Subject').fill('Cannot log in');
    await page.getByLabel('How can we help?').fill('The login page says my password is wrong.\nI reset it twice.');
    await page.getByLabel('Your plan (optional)').selectOption('Pro');
    await page.getByLabel(/^Attachments/).setInputFiles({ name: 'screen.txt', mimeType: 'text/plain', buffer: Buffer.from('error 401') });
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { name: 'Thank you, we have your request' }).waitFor();
    await screenshot(page, 'help-centre-sent');
    expect(problems).toEqual([]);
    await page.close();

    const [number] = await ticketNumbers(app);
    const ticket = await json(app.api(`/api/v1/tickets/${number}`));
    expect(ticket).toMatchObject({ subject: 'Cannot log in', source: 'web-form', requester: { email: 'bjorn@customer.test', name: 'Björn Kunde' }, customFields: { plan: 'Pro' } });
    expect(ticket.messages[0].text).toBe('The login page says my password is wrong.\nI reset it twice.');
    expect(ticket.messages[0].attachments.map((a: any) => [a.filename, a.size])).toEqual([['screen.txt', 9]]);
  });
});
