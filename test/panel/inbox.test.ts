/// <reference lib="dom" />
// Code passed to page.evaluate() runs in Chromium: it needs the DOM types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, logInThroughPanel } from './browser.js';
import { mixedMail, PNG } from './mime.js';
import { sendMany } from './send-many.js';

// More than the panel's page of 25, so "Load more" has something to load.
const FILLER = 27;

describe('the inbox finds tickets, the ticket page hands over files, and both pass an accessibility check', () => {
  let app: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
    base = `http://127.0.0.1:${app.httpPort}`;
    const filler = Array.from({ length: FILLER }, (_, i) => mail({ subject: `Question number ${i + 1}` }));
    await sendMany(app.smtpPort, 'bob@example.com', [
      ...filler,
      mixedMail('Invoice and photo', 'Both files attached.', [
        { filename: 'photo.png', contentType: 'image/png', base64: PNG },
        { filename: 'invoice.pdf', contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4 test').toString('base64') },
      ]),
    ]);
    await app.ingestor.idle();
    // axe opens a helper page in the same context, which browser.newPage() does not allow.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })).newPage();
    page.on('console', (m: ConsoleMessage) => consoleLines.push(m.text()));
    await logInThroughPanel(page, base);
    // 28 mails through SMTP and ingest, plus a browser start: on a busy CI machine (two cores
    // shared with other suites) this setup alone has taken more than the default 30 s.
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const rows = () => page.locator('ol.tickets > li');

  it('selects tickets, stars and trashes them in bulk, and shows them in their folders', async () => {
    const [a, b] = (await json(app.api('/api/v1/tickets?limit=2'))).items.map((t: { number: number }) => t.number);
    await page.getByLabel(`Select #${a}`, { exact: true }).check();
    await page.getByLabel(`Select #${b}`, { exact: true }).check();
    const bulk = page.getByRole('group', { name: '2 selected' });
    await bulk.getByRole('button', { name: 'Star', exact: true }).click();
    // The folder's count follows the agent's own stars, which no live event reports.
    await expect.poll(() => page.locator('[data-count="starred"]').textContent()).toBe('2');
    await page.getByRole('button', { name: 'Starred' }).click();
    await expect.poll(() => rows().count()).toBe(2);
    expect(page.url()).toBe(`${base}/?view=starred`);

    await page.getByLabel('Select all shown').check();
    await page.getByRole('group', { name: '2 selected' }).getByRole('button', { name: 'Move to trash' }).click();
    await page.getByText('No tickets here.').waitFor();
    await page.getByRole('button', { name: 'Trash' }).click();
    await expect.poll(() => rows().count()).toBe(2);
    await expect.poll(() => page.locator('[data-count="trash"]').textContent()).toBe('2');
    await page.getByLabel('Select all shown').check();
    await page.getByRole('group', { name: '2 selected' }).getByRole('button', { name: 'Restore' }).click();
    await page.getByText('No tickets here.').waitFor();
    await page.getByRole('button', { name: 'Every ticket' }).click();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => rows().count()).toBe(25);
    const starred = await json(app.api('/api/v1/tickets?view=starred'));
    expect(starred.items.map((t: { number: number }) => t.number).sort()).toEqual([a, b].sort());
  });

  it('pages with "Load more"', async () => {
    await expect.poll(() => rows().count()).toBe(25);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows().count()).toBe(FILLER + 1);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('searches from "/" and filters by status', async () => {
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
    await page.keyboard.type('Question number 2');
    // 2 and 20–27.
    await expect.poll(() => rows().count()).toBe(9);
    expect(page.url()).toBe(`${base}/?q=Question+number+2`);
    await page.getByRole('searchbox').fill('');
    await page.getByRole('button', { name: 'Closed' }).click();
    await page.getByText('No tickets here.').waitFor();
    expect(await page.getByRole('button', { name: 'Closed' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'All' }).click();
    await expect.poll(() => rows().count()).toBe(25);
  });

  it('previews an image attachment and downloads files and the raw .eml with the session', async () => {
    await page.getByRole('link', { name: /Invoice and photo/ }).click();
    await page.getByRole('heading', { name: /Invoice and photo/ }).waitFor();
    const files = page.getByRole('region', { name: 'Attachments' });
    await expect.poll(() => files.getByRole('img', { name: 'photo.png' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    const pdf = files.getByRole('link', { name: 'invoice.pdf' });
    const pdfRes = await page.request.get(new URL((await pdf.getAttribute('href'))!, base).href);
    expect(pdfRes.status()).toBe(200);
    expect(pdfRes.headers()['content-type']).toBe('application/pdf');
    expect(pdfRes.headers()['content-disposition']).toContain('attachment; filename="invoice.pdf"');
    const raw = await page.request.get(new URL((await page.getByRole('link', { name: 'Original (.eml)' }).getAttribute('href'))!, base).href);
    expect(raw.headers()['content-type']).toBe('message/rfc822');
    expect(await raw.text()).toContain('Subject: Invoice and photo');
  });

  it('passes axe (WCAG 2.x A and AA) on the inbox, the ticket page and the login form', async () => {
    const audit = async (where: string) => {
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
      return result.violations.map((v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    };
    const found = [...(await audit('ticket'))];
    await page.getByRole('link', { name: 'Back to inbox' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    found.push(...(await audit('inbox')));
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to mxdesk' }).waitFor();
    found.push(...(await audit('login')));
    expect(found).toEqual([]);
  });

  it('ran under its Content-Security-Policy without a single violation', () => {
    expect(consoleLines.filter((l) => /Content Security Policy/i.test(l))).toEqual([]);
  });
});
