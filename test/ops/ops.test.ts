import { Writable } from 'node:stream';
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, json, login, mail, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { createLogger } from '../../src/log.js';
import { verifyBackup } from '../../src/backup/read.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { addFromAddress, customerWrites, ticket, userWithRole } from '../outbound/fixtures.js';
import { acks } from '../helpers/mx.js';

/** pino writes one JSON object per line; keep them to follow a mail through the log. */
function logCapture() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, log: createLogger('info', stream) };
}

/** The value of one sample of a Prometheus text exposition, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('operating a running appliance: metrics, linked logs, backup, mbox export and import', () => {
  let app: TestApp;
  let relay: Relay;
  const captured = logCapture();
  let thread: { number: number; messageId: string; replyId: string; replyMessageId: string };
  const work = tempDir();

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp({ log: captured.log });
    await addFromAddress(app, relay);
    // A thread: the customer writes, an agent answers, the customer answers the answer.
    const first = await customerWrites(app, { subject: 'Parcel lost' });
    const res = await json(app.api(`/api/v1/tickets/${first.number}/replies`, { method: 'POST', json: { text: 'From our side it left on Monday.\nFrom here on it is with the carrier.' } }));
    await waitFor(async () => (await ticket(app, first.number)).messages.find((m: any) => m.id === res.id)?.delivery?.state === 'sent', 'the reply sent');
    const replyMessageId = (await ticket(app, first.number)).messages.find((m: any) => m.id === res.id).messageId;
    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'Re: Parcel lost', headers: { 'In-Reply-To': replyMessageId, References: `${first.messageId} ${replyMessageId}` }, body: 'From Tuesday on I waited.\n>From the quote' }) })).code).toBe(250);
    await customerWrites(app, { subject: 'Second question' });
    thread = { ...first, replyId: res.id, replyMessageId };
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('counts connections, accepted and refused mail, verdicts, ingest latency, sends and HTTP latency at /metrics', async () => {
    const refused = await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['nobody@elsewhere.test'], message: mail({}) });
    expect(refused.code).toBe(550);
    const res = await fetch(`${baseUrl(app)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(sample(text, 'mxdesk_smtp_connections_total')).toBeGreaterThanOrEqual(4);
    expect(sample(text, 'mxdesk_smtp_messages_total', { code: '250', stage: 'data' })).toBe(3);
    expect(sample(text, 'mxdesk_smtp_messages_total', { code: '550', stage: 'rcpt' })).toBe(1);
    expect(sample(text, 'mxdesk_verdicts_total', { check: 'spf', result: 'pass' })).toBe(3);
    expect(sample(text, 'mxdesk_ingest_latency_seconds_count')).toBe(3);
    expect(sample(text, 'mxdesk_ingest_messages_total', { outcome: 'joined' })).toBe(1);
    // The reply and two acknowledgements.
    expect(sample(text, 'mxdesk_outbound_attempts_total', { outcome: 'sent' })).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^mxdesk_outbound_queue_depth \d+$/m);
    expect(text).toMatch(/^mxdesk_smtp_connections_open \d+$/m);
    expect(sample(text, 'mxdesk_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/tickets/:number/replies', status: '202' })).toBe(1);
  });

  it('serves /metrics to other hosts only with an admin API token', async () => {
    // trustProxy: loopback — a proxy on this host forwarding an outside client.
    const outside = { 'x-forwarded-for': '203.0.113.9' };
    expect((await fetch(`${baseUrl(app)}/metrics`, { headers: outside })).status).toBe(401);
    const { token } = await json(app.api('/api/v1/tokens', { method: 'POST', json: { name: 'prometheus' } }));
    expect((await fetch(`${baseUrl(app)}/metrics`, { headers: { ...outside, authorization: `Bearer ${token}` } })).status).toBe(200);
    const agent = await userWithRole(app, 'agent');
    const agentToken = (await json(agent('/api/v1/tokens', { method: 'POST', json: { name: 'mine' } }))).token;
    expect((await fetch(`${baseUrl(app)}/metrics`, { headers: { ...outside, authorization: `Bearer ${agentToken}` } })).status).toBe(403);
  });

  it('logs ids that follow one mail from SMTP session to message, ticket, reply and relay', () => {
    const ticketed = captured.lines.find((l) => l.msg === 'ingest: ticketed' && l.ticket === thread.number && l.outcome === 'new');
    expect(ticketed.sid).toBeTruthy();
    const accepted = captured.lines.find((l) => l.msg === 'smtp: accepted' && l.id === ticketed.id);
    expect(accepted.sid).toBe(ticketed.sid);
    const queued = captured.lines.find((l) => l.msg === 'outbound: queued' && l.id === thread.replyId);
    expect(queued.ticket).toBe(thread.number);
    const sent = captured.lines.find((l) => l.msg === 'outbound: accepted by the relay' && l.id === thread.replyId);
    expect(sent.ticket).toBe(thread.number);
    // And nothing secret on the way.
    expect(JSON.stringify(captured.lines)).not.toMatch(/correct horse/);
  });

  it('streams a consistent backup to admins only', async () => {
    const res = await app.api('/api/v1/backup');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="mxdesk-.*\.mxb"/);
    const file = path.join(work, 'download.mxb');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const summary = await verifyBackup(file);
    expect(summary.bySublevel.ticket).toBe(2);
    expect(summary.files).toContain('secret.key');
    const agent = await userWithRole(app, 'agent', 'agent2@support.test');
    expect((await agent('/api/v1/backup')).status).toBe(403);
  });

  it('exports tickets as mbox and imports them into a fresh appliance with the same tickets and threading, unacknowledged', async () => {
    const one = await app.api(`/api/v1/tickets/${thread.number}/export.mbox`);
    expect(one.status).toBe(200);
    expect(one.headers.get('content-type')).toMatch(/^application\/mbox/);
    const oneText = await one.text();
    expect(oneText.match(/^From /gm)).toHaveLength(4); // customer, acknowledgement, reply, customer
    // mboxrd quoting: body lines starting "From " or ">From " gain a ">".
    expect(oneText).toMatch(/^>From our side/m);
    expect(oneText).toMatch(/^>>From the quote/m);

    const all = Buffer.from(await (await app.api('/api/v1/export.mbox')).arrayBuffer());
    const fresh = await startTestApp();
    try {
      const res = await fresh.api('/api/v1/import', { method: 'POST', headers: { 'content-type': 'application/mbox' }, body: all });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await json(res)).toEqual({ messages: 6 });
      const shape = async (a: TestApp) => {
        const list = (await json(a.api('/api/v1/tickets'))).items as any[];
        return Promise.all(list.map(async (t) => ({ subject: t.subject, messages: (await ticket(a, t.number)).messages.map((m: any) => [m.direction, m.messageId, m.subject]) }))).then((r) => r.sort((x, y) => x.subject.localeCompare(y.subject)));
      };
      const before = await shape(app);
      expect(before.map((t) => t.messages.length)).toEqual([4, 2]);
      expect(await shape(fresh)).toEqual(before);
      expect(await acks(fresh)).toEqual([]);
      // The same mail imported again is recognised by its Message-IDs.
      await fresh.api('/api/v1/import', { method: 'POST', headers: { 'content-type': 'application/mbox' }, body: all });
      expect((await json(fresh.api('/api/v1/tickets'))).items).toHaveLength(2);
      const bad = await fresh.api('/api/v1/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(bad.status).toBe(415);
    } finally {
      await fresh.close();
    }
  });
});
