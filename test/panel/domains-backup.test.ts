import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { baseUrl, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { ticketByMail } from '../helpdesk/fixture.js';
import { verifyBackup } from '../../src/backup/read.js';
import { deskDns, RELAY, setUpDesk } from '../diagnostics/desk-dns-fixture.js';
import { launchChromium, logInThroughPanel, screenshot } from './browser.js';

// An admin opens Admin → Domains and sees, per support domain, which DNS records pass and
// the exact record to publish for those that do not; then downloads a backup from Admin →
// Backup, which `mxdesk verify` reads through.

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('Admin → Domains and Backup in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let keys: { supportKey: string; helpKey: string };
  const dns = deskDns();
  const downloads = tempDir('mxdesk-download-');

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ dns }), launchChromium()]);
    keys = await setUpDesk(app, dns);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl(app) });
    page = await context.newPage();
    await logInThroughPanel(page, baseUrl(app));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  it('shows per record what passes and the record to copy for what does not', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('link', { name: 'Domains' }).click();
    await page.getByRole('heading', { name: 'Domains' }).waitFor();
    const good = page.locator('[data-domain="support.test"]');
    const bad = page.locator('[data-domain="help.test"]');
    await page.locator('[data-domain="support.test"][data-check="ok"]').waitFor();
    await page.locator('[data-domain="help.test"][data-check="failing"]').waitFor();
    expect(await good.locator(':scope > [role="status"]').textContent()).toBe('Everything support.test needs is published.');
    expect(await good.textContent()).toContain(`Replies leave through: ${RELAY}`);
    expect(await good.locator('tbody tr').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-record')} ${r.getAttribute('data-state')}`))).toEqual(['MX ok', 'SPF ok', 'DKIM ok', 'DMARC ok', 'PTR ok']);

    expect(await bad.locator(':scope > [role="status"]').textContent()).toBe('4 of 5 records need a change.');
    const spf = bad.locator('tr[data-record="SPF"]');
    expect(await spf.getAttribute('data-state')).toBe('wrong');
    // What a DNS provider's form asks for: name, type, value.
    const fields = async (check: string) => Object.fromEntries(await bad.locator(`tr[data-record="${check}"] [data-part]`).evaluateAll((els) => els.map((e) => [e.getAttribute('data-part'), e.textContent])));
    expect(await fields('SPF')).toEqual({ name: 'help.test', type: 'TXT', value: `v=spf1 ip4:198.51.100.7 a:${RELAY} -all` });
    // A DKIM key too long for one zone-file string also shows as the zone file's line.
    const dkimFields = await fields('DKIM');
    expect(dkimFields).toMatchObject({ name: 'desk1._domainkey.help.test', type: 'TXT', value: keys.helpKey });
    expect(dkimFields.zone).toMatch(/^desk1\._domainkey\.help\.test\. IN TXT "[^"]{255}" "[^"]+"/);
    expect(await fields('SPF')).not.toHaveProperty('zone');

    // Copy puts the exact field on the clipboard.
    const dkim = bad.locator('tr[data-record="DKIM"]');
    await dkim.getByRole('button', { name: 'Copy the value of the DKIM record of help.test' }).click();
    await dkim.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keys.helpKey);
    await dkim.getByRole('button', { name: 'Copy the name of the DKIM record of help.test' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('desk1._domainkey.help.test');
    await screenshot(page, 'admin-domains');
    const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    expect(axe.violations.map((v) => `${v.id} ${v.help}`)).toEqual([]);

    // The admin publishes the missing MX; "Check again" looks DNS up afresh.
    dns['help.test'] = { ...dns['help.test'], MX: [{ exchange: 'mx.support.test', priority: 10 }] };
    await bad.getByRole('button', { name: 'Check again: help.test' }).click();
    await expect.poll(() => bad.locator('tr[data-record="MX"]').getAttribute('data-state')).toBe('ok');
    expect(await bad.locator(':scope > [role="status"]').textContent()).toBe('3 of 5 records need a change.');
  });

  it('downloads a backup that verify reads through, with the tickets in it', async () => {
    await ticketByMail(app, 'Backed up question');
    await page.getByRole('link', { name: 'Backup' }).click();
    await page.getByRole('heading', { name: 'Backup' }).waitFor();
    expect((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations.map((v) => `${v.id} ${v.help}`)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download a backup' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^mxdesk-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.mxb$/);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    const summary = await verifyBackup(file);
    expect(summary.meta.hostname).toBe('mx.support.test');
    expect(summary.bySublevel.ticket).toBeGreaterThanOrEqual(1);
    expect(summary.bySublevel.dkim).toBe(2);
  });
});
