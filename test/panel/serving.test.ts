import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';

describe('the panel is served by the same process, under a strict CSP', () => {
  let app: TestApp;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp();
    base = `http://127.0.0.1:${app.httpPort}`;
  });
  afterAll(() => app.close());

  it('serves index.html at / with a CSP that allows no inline or foreign script', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    // Every script is a file of ours; none is inline.
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js">/);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('answers a panel path with index.html and an unknown API path with a JSON 404', async () => {
    const page = await fetch(`${base}/tickets/1001`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const api = await fetch(`${base}/api/v1/no-such-thing`);
    expect(api.status).toBe(404);
    expect((await json(api)).error.code).toBe('not_found');
  });

  it('serves hashed assets as immutable', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const res = await fetch(`${base}${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('streams ticket events to a logged-in user only', async () => {
    expect((await fetch(`${base}/api/v1/events`)).status).toBe(401);

    const res = await app.api('/api/v1/events');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes(': connected')) seen += (await reader.read()).value;

    const reply = await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'Live please' }) });
    expect(reply.code).toBe(250);
    while (!/event: ticket\ndata: .*\n\n/.test(seen)) seen += (await reader.read()).value;
    const data = JSON.parse(/event: ticket\ndata: (.*)\n/.exec(seen)![1]!);
    const list = await json(app.api('/api/v1/tickets'));
    expect(data).toEqual({ type: 'ticket', ticketNumber: list.items[0].number, reason: 'new' });
    await reader.cancel();
  });
});
