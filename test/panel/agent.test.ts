/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Code passed to page.evaluate() runs in Chromium: it needs the DOM types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_DNS, json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { launchChromium, logInThroughPanel, screenshot } from './browser.js';
import { markerServer, type MarkerServer } from './marker-server.js';
import { relatedMail } from './mime.js';

// bank.test publishes SPF that allows nobody and DMARC p=none: a forged From: is accepted
// (the domain asked for no action) but DMARC fails.
const DNS = {
  ...DEFAULT_DNS,
  'bank.test': { TXT: [['v=spf1 -all']] },
  '_dmarc.bank.test': { TXT: [['v=DMARC1; p=none']] },
};

describe('an agent works in the panel in Chromium', () => {
  let app: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let images: MarkerServer;

  beforeAll(async () => {
    [app, browser, images] = await Promise.all([startTestApp({ dns: DNS }), launchChromium(), markerServer()]);
    base = `http://127.0.0.1:${app.httpPort}`;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await images?.close();
  });

  const ticketNumberOf = async (subject: string): Promise<number> => {
    await app.ingestor.idle();
    const list = await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(subject)}`));
    return list.items[0].number;
  };

  it('logs in with the form and lands in the inbox', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Log in to mxdesk' }).waitFor();
    await screenshot(page, 'login');
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await logInThroughPanel(page, base);
    expect(await page.getByText('No tickets here.').isVisible()).toBe(true);
  });

  it('shows a mail sent by SMTP in the inbox live, without a reload', async () => {
    // A value on the window survives only if the page is not reloaded.
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const reply = await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'My parcel never arrived', body: 'Order 4711 is still missing.' }) });
    expect(reply.code).toBe(250);
    await page.getByRole('link', { name: /My parcel never arrived/ }).waitFor();
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await screenshot(page, 'inbox');
  });

  it('opens the ticket from the keyboard and shows verdict badges and the body', async () => {
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.getByRole('heading', { name: /My parcel never arrived/ }).waitFor();
    expect(page.url()).toBe(`${base}/tickets/${await ticketNumberOf('My parcel never arrived')}`);
    const checks = page.getByRole('list', { name: 'Sender checks' });
    await expect(checks.locator('[data-check="spf"]').textContent()).resolves.toContain('SPF pass');
    await expect(checks.locator('[data-check="dmarc"]').textContent()).resolves.toContain('DMARC pass');
    await expect(checks.locator('[data-check="dkim"]').textContent()).resolves.toContain('DKIM none');
    expect(await page.getByText('Order 4711 is still missing.').isVisible()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'ticket');
  });

  it('refreshes the open ticket when the customer writes again', async () => {
    const number = await ticketNumberOf('My parcel never arrived');
    const reply = await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: `Re: [#${number}] My parcel never arrived`, body: 'Any news about my order?' }) });
    expect(reply.code).toBe(250);
    await page.getByText('Any news about my order?').waitFor();
    // Two from the customer, and our acknowledgement of the first shown as ours.
    expect(await page.locator('article.message.theirs').count()).toBe(2);
    expect(await page.locator('article.message.ours').getByText('Sent by us').count()).toBe(1);
  });

  it('warns in words when DMARC failed', async () => {
    const reply = await sendMail(app.smtpPort, { from: 'ceo@bank.test', to: ['support@support.test'], message: mail({ from: 'The Bank <ceo@bank.test>', subject: 'Urgent wire transfer', body: 'Please pay this invoice today.' }) });
    expect(reply.code).toBe(250);
    await page.goto(`${base}/tickets/${await ticketNumberOf('Urgent wire transfer')}`);
    const warning = page.getByRole('alert');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('DMARC failed: this mail may not really come from bank.test');
    await expect(page.locator('[data-check="dmarc"]').textContent()).resolves.toContain('DMARC fail');
    await screenshot(page, 'ticket-dmarc-fail');
  });

  it('warns when the sender is not the requester, and when a stranger cites a ticket', async () => {
    const send = (from: string, message: string) => sendMail(app.smtpPort, { from, to: ['support@support.test'], message });
    await send('alice@example.com', mail({ subject: 'Shared order', headers: { Cc: 'Carol <carol@example.com>' } }));
    const number = await ticketNumberOf('Shared order');
    await send('carol@example.com', mail({ from: 'Carol <carol@example.com>', subject: `Re: [#${number}] Shared order`, body: 'I am her colleague.' }));
    await send('mallory@customer.test', mail({ from: 'Mallory <mallory@customer.test>', subject: `Re: [#${number}] Shared order`, body: 'Send the refund to me.' }));

    await page.goto(`${base}/tickets/${number}`);
    const carol = page.locator('article.message', { hasText: 'I am her colleague.' });
    await carol.waitFor();
    expect(await carol.getByRole('alert').textContent()).toContain('The sender is not the requester of this ticket.');

    await app.ingestor.idle();
    const list = await json(app.api('/api/v1/tickets?q=Shared%20order'));
    const stranger = list.items.find((t: any) => t.requester.email === 'mallory@customer.test');
    await page.goto(`${base}/tickets/${stranger.number}`);
    await page.getByText('Send the refund to me.').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('This mail cited a ticket its sender is not part of, so it opened a new ticket.');
    expect(await page.getByRole('complementary', { name: 'Details' }).getByRole('link', { name: `#${number}` }).count()).toBe(1);
  });

  it('shows HTML mail in the sandboxed frame, with its inline image, and remote images only on request', async () => {
    const html = `<p>Our <b>new</b> catalogue</p><img src="cid:logo@shop.example" alt="inline logo"><img src="${images.url}/tracker.png" alt="remote banner">`;
    await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: relatedMail('Catalogue', html, 'logo@shop.example') });
    await page.goto(`${base}/tickets/${await ticketNumberOf('Catalogue')}`);
    const frame = page.frameLocator('iframe[title^="Message from"]');
    await frame.getByText('catalogue').waitFor();
    expect(await page.locator('iframe').getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    // The cid: image is part of the mail and shows at once; the remote one waits.
    await expect.poll(() => frame.getByRole('img', { name: 'inline logo' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    expect(images.hits).toEqual([]);
    await page.getByRole('button', { name: 'Show images' }).click();
    await frame.getByRole('img', { name: 'remote banner' }).waitFor();
    await expect.poll(() => images.hits).toEqual(['/tracker.png']);
    await screenshot(page, 'ticket-html-mail');
  });

  it('is usable at phone width, and speaks Spanish to a Spanish browser', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-ES' });
    const p = await phone.newPage();
    await p.goto(`${base}/`);
    await p.getByRole('heading', { name: 'Entrar en mxdesk' }).waitFor();
    await p.getByLabel('Correo').fill('admin@example.com');
    await p.getByLabel('Contraseña').fill('correct horse battery staple');
    await p.getByRole('button', { name: 'Entrar' }).click();
    await p.getByRole('heading', { name: 'Bandeja' }).waitFor();
    await p.getByRole('link', { name: /My parcel never arrived/ }).waitFor();
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(p, 'inbox-phone-es');
    await phone.close();
  });
});
