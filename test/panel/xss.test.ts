/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Code passed to page.evaluate() runs in Chromium: it needs the DOM types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMany } from './send-many.js';
import { launchChromium, logInThroughPanel } from './browser.js';
import { markerServer, type MarkerServer } from './marker-server.js';
import { xssCorpus, type Payload } from './xss-corpus.js';
import { htmlMail } from './mime.js';

describe('hostile HTML mail never runs script in the panel', () => {
  let app: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let marker: MarkerServer;
  let corpus: Payload[];
  const dialogs: string[] = [];
  const popups: string[] = [];

  beforeAll(async () => {
    [app, browser, marker] = await Promise.all([startTestApp(), launchChromium(), markerServer()]);
    base = `http://127.0.0.1:${app.httpPort}`;
    corpus = xssCorpus(marker.url);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    context.on('page', (p) => popups.push(p.url()));
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await sendMany(app.smtpPort, 'mallory@example.com', corpus.map((p) => htmlMail(`XSS ${p.name}`, p.html)));
    await app.ingestor.idle();
    await logInThroughPanel(page, base);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await marker?.close();
  });

  it('the detectors work: the same payload in an unprotected page is caught', async () => {
    const bare = await browser.newPage();
    const caught: string[] = [];
    bare.on('dialog', (d) => {
      caught.push(d.message());
      void d.dismiss();
    });
    await bare.setContent(corpus.find((p) => p.name === 'img-onerror')!.html);
    await expect.poll(() => marker.hits).toContain('/js/img-onerror');
    expect(caught).toEqual(['img-onerror']);
    await bare.close();
    marker.hits.length = 0;
  });

  it('renders every payload as inert content in the sandboxed frame, clicks included', async () => {
    const tickets = (await json(app.api('/api/v1/tickets?limit=200'))).items as Array<{ number: number; subject: string }>;
    for (const p of corpus) {
      const ticket = tickets.find((t) => t.subject === `XSS ${p.name}`)!;
      // In-app navigation: one panel document lives through the whole corpus, so a payload
      // that got a foothold would still be there for the checks below.
      await page.evaluate((n) => {
        history.pushState(null, '', `/tickets/${n}`);
        dispatchEvent(new PopStateEvent('popstate'));
      }, ticket.number);
      const frame = page.frameLocator('iframe[title^="Message from"]');
      // The frame did load the mail (so the test is not passing on an empty frame)...
      await frame.getByText(`Payload ${p.name} is inert.`).waitFor();
      // ...and whatever is left to click, the agent clicks.
      for (const target of await frame.locator('a, button, summary').all()) {
        await target.click({ timeout: 2_000, noWaitAfter: true }).catch(() => undefined);
      }
    }
    // A script that ran anywhere would have left one of these traces.
    expect(dialogs).toEqual([]);
    expect(marker.hits).toEqual([]);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(await page.title()).not.toBe('PWNED');
    expect(popups.filter((u) => u !== 'about:blank' && !u.startsWith(base))).toEqual([]);
  });

  it('serves the sanitised HTML with no script, handler or active URL left in it, as Chromium parses it', async () => {
    const tickets = (await json(app.api('/api/v1/tickets?limit=200'))).items as Array<{ number: number }>;
    for (const t of tickets) {
      const ticket = await json(app.api(`/api/v1/tickets/${t.number}`));
      const res = await app.api(`/api/v1/messages/${ticket.messages[0].id}/html`);
      expect(res.headers.get('content-security-policy'), ticket.subject).toMatch(/default-src 'none'.*sandbox/);
      // DOMParser builds the document the way the frame would, and never runs its scripts.
      const found = await page.evaluate((html) => {
        const doc = new DOMParser().parseFromString(html, 'text/html');
        const bad: string[] = [];
        // The body: the head is ours (charset, referrer policy, base style).
        for (const el of doc.body.querySelectorAll('*')) {
          if (/^(script|iframe|object|embed|form|meta|base|link|svg|math|input|video|audio|frame|frameset)$/i.test(el.tagName)) bad.push(`<${el.tagName}>`);
          for (const a of el.attributes) {
            if (/^on/i.test(a.name)) bad.push(`${el.tagName} ${a.name}`);
            if (/^\s*(javascript|vbscript|data:text)/i.test(a.value) && a.name !== 'title' && a.name !== 'alt') bad.push(`${el.tagName} ${a.name}=${a.value.slice(0, 30)}`);
            if (a.name === 'style' && /expression\(|javascript:/i.test(a.value)) bad.push(`${el.tagName} style`);
          }
        }
        for (const style of doc.body.querySelectorAll('style')) if (/@import|javascript:|expression\(/i.test(style.textContent ?? '')) bad.push('style sheet');
        return bad;
      }, await res.text());
      expect(found, ticket.subject).toEqual([]);
    }
  });
});
