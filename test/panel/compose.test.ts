/// <reference lib="dom" />
// Code passed to page.evaluate() runs in Chromium: it needs the DOM types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { simpleParser } from 'mailparser';
import { baseUrl, json, login, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { startRelay, type Relay } from '../outbound/relays.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { launchChromium, logInThroughPanel, screenshot } from './browser.js';

// An agent answers a customer from the panel, the answer leaves through a real relay on
// loopback; a basic agent cannot send; logging out ends the session on the server.

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('the composer in Chromium', () => {
  let app: TestApp;
  let relay: Relay;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let number = 0;
  const customerMessageId = '<order-4711.question@example.com>';

  beforeAll(async () => {
    [app, relay, browser] = await Promise.all([startTestApp(), startRelay('plain'), launchChromium()]);
    base = baseUrl(app);
    await addFromAddress(app, relay);
    // axe opens a helper page in the same context, which browser.newPage() does not allow.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await relay?.close();
  });

  const mailsWith = (text: string) => relay.received.filter((r) => r.raw.includes(text));

  it('shows a customer mail live and sends the reply through the relay, threaded', async () => {
    await logInThroughPanel(page, base);
    const sent = await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'Where is order 4711?', messageId: customerMessageId, body: 'It has been two weeks.' }) });
    expect(sent.code).toBe(250);
    await page.getByRole('link', { name: /Where is order 4711\?/ }).click();
    await page.getByText('It has been two weeks.').waitFor();
    number = Number(/\/tickets\/(\d+)/.exec(page.url())![1]);

    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const composer = page.getByRole('form', { name: 'Reply' });
    // Prefilled as the API plans it: to the requester.
    expect(await composer.getByLabel('To', { exact: true }).inputValue()).toBe('alice@example.com');
    await composer.getByLabel('From').selectOption('support@support.test');
    await composer.getByLabel('Message').fill('Your parcel left our warehouse today.');
    await composer.getByText('Draft saved').waitFor();
    await screenshot(page, 'composer');
    await composer.getByRole('button', { name: 'Send' }).click();

    await expect.poll(() => mailsWith('Your parcel left our warehouse today.').length).toBe(1);
    const [received] = mailsWith('Your parcel left our warehouse today.');
    expect(received!.rcptTo).toEqual(['alice@example.com']);
    const parsed = await simpleParser(received!.raw);
    expect(parsed.inReplyTo).toBe(customerMessageId);
    expect([parsed.references].flat()).toContain(customerMessageId);
    expect(parsed.subject).toContain(`[#${number}]`);
    // The panel follows the delivery, and the sent reply's draft is gone.
    await page.locator('article.message', { hasText: 'Your parcel left our warehouse today.' }).locator('[data-delivery="sent"]').waitFor();
    expect((await app.api(`/api/v1/tickets/${number}/draft`)).status).toBe(404);
  });

  it('adds an internal comment from the keyboard, which is never mailed', async () => {
    await page.getByRole('heading', { name: /Where is order 4711/ }).click();
    await page.keyboard.press('c');
    const composer = page.getByRole('form', { name: 'Comment' });
    await composer.getByLabel('Internal note').fill('Checked with the warehouse: shipped.');
    await composer.getByRole('button', { name: 'Add comment' }).click();
    await page.getByRole('region', { name: 'Internal comments' }).getByText('Checked with the warehouse: shipped.').waitFor();
    expect(mailsWith('Checked with the warehouse')).toEqual([]);
  });

  it('sends attachments from the file input and by drag and drop, and retries a mail the relay refused', async () => {
    relay.refuse = { at: 'data', code: 554, message: '5.7.1 Message rejected by policy' };
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const composer = page.getByRole('form', { name: 'Reply' });
    await composer.getByLabel('Message').fill('The invoice and the label are attached.');
    await composer.getByLabel('Attach files').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 invoice 4711') });
    const dropped = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['LABEL 4711'], 'label.txt', { type: 'text/plain' }));
      return data;
    });
    await composer.dispatchEvent('drop', { dataTransfer: dropped });
    const files = composer.getByRole('list', { name: 'Attachments' });
    await files.getByText('label.txt').waitFor();
    expect(await files.getByRole('listitem').count()).toBe(2);
    await composer.getByRole('button', { name: 'Send' }).click();

    // Refused for good (5xx): the panel says so, with the relay's words, and offers Retry.
    const card = page.locator('article.message', { hasText: 'The invoice and the label are attached.' });
    const failed = card.locator('[data-delivery="failed"]');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('5.7.1 Message rejected by policy');
    relay.refuse = null;
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => mailsWith('The invoice and the label are attached.').length).toBe(1);
    const parsed = await simpleParser(mailsWith('The invoice and the label are attached.')[0]!.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['invoice.pdf', '%PDF-1.4 invoice 4711'], ['label.txt', 'LABEL 4711']]);
    await card.locator('[data-delivery="sent"]').waitFor();
  });

  it('keeps an unsent reply as a draft across a reload', async () => {
    await page.getByRole('button', { name: 'Reply all' }).click();
    await page.getByRole('form', { name: 'Reply all' }).getByLabel('Message').fill('Half-written answer');
    await page.getByText('Draft saved').waitFor();
    await page.reload();
    expect(await page.getByRole('form', { name: 'Reply all' }).getByLabel('Message').inputValue()).toBe('Half-written answer');
    const drafts = await json(app.api('/api/v1/drafts'));
    expect(drafts.items.map((d: { ticketNumber: number }) => d.ticketNumber)).toEqual([number]);
    expect(await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze().then((r) => r.violations.map((v) => `${v.id}: ${v.help}`))).toEqual([]);
    await page.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(async () => (await app.api(`/api/v1/tickets/${number}/draft`)).status).toBe(404);
  });

  it('changes the priority from the side panel, shows it in the history, and closes with e', async () => {
    const side = page.getByRole('complementary', { name: 'Details' });
    await side.getByLabel('Priority').selectOption('high');
    await side.getByRole('region', { name: 'History' }).getByText(/priority/).waitFor();
    await page.getByRole('heading', { name: /Where is order 4711/ }).click();
    await page.keyboard.press('e');
    await expect.poll(async () => (await json(app.api(`/api/v1/tickets/${number}`))).status).toBe('closed');
    expect((await json(app.api(`/api/v1/tickets/${number}`))).priority).toBe('high');
  });

  it('shows a basic agent no Reply or Forward, and the API refuses their reply with 403', async () => {
    const departments = (await json(app.api('/api/v1/departments'))).items.map((d: { id: string }) => d.id);
    const password = 'basic-agent-password-1';
    const created = await app.api('/api/v1/users', { method: 'POST', json: { email: 'bea@support.test', name: 'Bea Basic', role: 'basic', departments, password } });
    expect(created.status).toBe(201);

    const basic = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await basic.goto(`${base}/tickets/${number}`);
    await basic.getByLabel('Email').fill('bea@support.test');
    await basic.getByLabel('Password').fill(password);
    await basic.getByRole('button', { name: 'Log in' }).click();
    await basic.getByRole('heading', { name: /Where is order 4711/ }).waitFor();
    expect(await basic.getByRole('button', { name: 'Comment' }).count()).toBe(1);
    for (const name of ['Reply', 'Reply all', 'Forward']) expect(await basic.getByRole('button', { name, exact: true }).count()).toBe(0);

    const bea = await login(base, 'bea@support.test', password);
    const forced = await bea(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'I should not be able to send this.' } });
    expect(forced.status).toBe(403);
    expect(mailsWith('I should not be able to send this.')).toEqual([]);

    // Drafts are each agent's own: Bea's is hers alone, and she may draft a comment.
    const saved = await bea(`/api/v1/tickets/${number}/draft`, { method: 'PUT', json: { kind: 'comment', text: 'Bea thinks aloud' } });
    expect(saved.status).toBe(200);
    expect((await json(bea('/api/v1/drafts'))).items.map((d: { text: string }) => d.text)).toEqual(['Bea thinks aloud']);
    expect((await app.api(`/api/v1/tickets/${number}/draft`)).status).toBe(404);
    const bad = await bea(`/api/v1/tickets/${number}/draft`, { method: 'PUT', json: { kind: 'letter', text: 'x' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBeTruthy();
  });

  it('ends the session on the server when the agent logs out', async () => {
    const cookies = (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
    expect((await fetch(`${base}/api/v1/tickets`, { headers: { cookie: cookies } })).status).toBe(200);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to mxdesk' }).waitFor();
    // The old cookie, replayed by someone who copied it, opens nothing any more.
    expect((await fetch(`${base}/api/v1/tickets`, { headers: { cookie: cookies } })).status).toBe(401);
  });
});
