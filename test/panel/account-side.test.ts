import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { launchChromium, logInThroughPanel, screenshot } from './browser.js';

// The side panel names the requester's company: an agent sees at a glance that the mail comes
// from a key account, and what else that company has open with the desk.

describe('the account in the ticket side panel', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
    page.setDefaultTimeout(15_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const ticketOf = async (subject: string): Promise<number> => {
    let found: number | undefined;
    await expect.poll(async () => {
      const { items } = await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(subject)}`));
      found = items.find((t: { subject: string }) => t.subject === subject)?.number;
      return found;
    }).toBeTruthy();
    return found!;
  };

  it('shows the key account of a mail from its domain, with the account’s other tickets', async () => {
    expect((await app.api('/api/v1/accounts', { method: 'POST', json: { name: 'Acme Corp', domains: ['acme.test'], keyAccount: true } })).status).toBe(201);
    for (const [from, subject] of [['bob@acme.test', 'Invoice 77 is wrong'], ['carol@acme.test', 'Cannot log in']]) {
      expect((await sendMail(app.smtpPort, { from, to: ['support@support.test'], message: mail({ from, subject }) })).code).toBe(250);
    }
    const first = await ticketOf('Invoice 77 is wrong');
    const second = await ticketOf('Cannot log in');

    await logInThroughPanel(page, baseUrl(app));
    await page.goto(`${baseUrl(app)}/tickets/${second}`);
    const card = page.getByRole('region', { name: 'Account' });
    await card.getByText('Acme Corp').waitFor();
    await card.getByText('Key account').waitFor();
    await card.getByText('acme.test').waitFor();
    // Carol's own contact has no other ticket; her company has Bob's.
    await card.getByRole('link', { name: `#${first} Invoice 77 is wrong` }).click();
    await page.getByRole('heading', { name: /Invoice 77 is wrong/ }).waitFor();
    await screenshot(page, 'ticket-account');
  }, 60_000);

  it('shows no account for a requester outside every account', async () => {
    const from = 'dora@elsewhere.test';
    expect((await sendMail(app.smtpPort, { from, to: ['support@support.test'], message: mail({ from, subject: 'Just a question' }) })).code).toBe(250);
    const number = await ticketOf('Just a question');
    await page.goto(`${baseUrl(app)}/tickets/${number}`);
    await page.getByRole('region', { name: 'Contact' }).waitFor();
    expect(await page.getByRole('region', { name: 'Account' }).count()).toBe(0);
  }, 30_000);
});
