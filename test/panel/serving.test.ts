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

  it('serves the HTML part of a message only as a sandboxed document the panel may frame', async () => {
    const html = mail({ subject: 'Newsletter', body: '<p>Hello <b>there</b></p>' }).replace('text/plain', 'text/html');
    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: html })).code).toBe(250);
    const plain = mail({ subject: 'Just text' });
    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: plain })).code).toBe(250);
    await app.ingestor.idle();
    const messageOf = async (subject: string) => {
      const list = await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(subject)}`));
      return (await json(app.api(`/api/v1/tickets/${list.items[0].number}`))).messages[0].id as string;
    };

    const res = await app.api(`/api/v1/messages/${await messageOf('Newsletter')}/html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none';.*; sandbox allow-popups allow-popups-to-escape-sandbox$/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(await res.text()).toContain('<p>Hello <b>there</b></p>');

    const none = await app.api(`/api/v1/messages/${await messageOf('Just text')}/html`);
    expect(none.status).toBe(404);
    expect((await json(none)).error.code).toBe('not_found');
    expect((await fetch(`${base}/api/v1/messages/${await messageOf('Newsletter')}/html`)).status).toBe(401);
  });
});

describe('a listening panel does not hold up shutdown', () => {
  it('ends open event streams when the app stops', async () => {
    const app = await startTestApp();
    const res = await app.api('/api/v1/events');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain(': connected');
    await app.close();
    // The server ended the stream: the panel's EventSource will reconnect to the next process.
    let chunk = await reader.read();
    while (!chunk.done) chunk = await reader.read();
    expect(chunk.done).toBe(true);
  });
});
