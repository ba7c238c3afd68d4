import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mail, startTestApp, type TestApp } from '../helpers/app.js';
import { SmtpClient, type Reply } from '../helpers/smtp-client.js';

/**
 * The stated requirement (issue 8) is that a normal client is served within 1 s while the MX
 * is abused. The assertion leaves headroom for a 2-core machine shared with other test runs;
 * the measured latency is printed and goes to the report.
 */
const NORMAL_CLIENT_LIMIT_MS = 2_000;
const SOCKET_TIMEOUT_MS = 1_500;

/** A customer's MTA from 127.0.0.1: one message, timed from connect to the 250 after DATA. */
async function normalClient(app: TestApp, label: string): Promise<number> {
  const started = performance.now();
  const { client, greeting } = await SmtpClient.connect(app.smtpPort);
  expect(greeting.code, `${label}: greeting ${greeting.raw}`).toBe(220);
  await client.send('EHLO normal.example.com');
  expect((await client.send('MAIL FROM:<alice@example.com>')).code).toBe(250);
  expect((await client.send('RCPT TO:<support@support.test>')).code).toBe(250);
  const reply = await client.data(mail({ subject: `normal during ${label}` }));
  const ms = performance.now() - started;
  expect(reply.code, `${label}: ${reply.raw}`).toBe(250);
  await client.quit();
  console.log(`smtp-abuse: normal client served during ${label} in ${ms.toFixed(0)} ms`);
  expect(ms).toBeLessThan(NORMAL_CLIENT_LIMIT_MS);
  return ms;
}

/** A raw socket from another loopback address (127.0.0.0/8 is all ours on Linux). */
function rawSocket(port: number, localAddress: string): Promise<{ socket: net.Socket; text: () => string; replies: () => number; closed: Promise<void>; greeted: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    let replies = 0;
    let partial = '';
    socket.setEncoding('latin1');
    // The first 4 KB (greeting, first replies) and the last 4 KB (how it ended).
    socket.on('data', (d: string) => {
      text += d;
      if (text.length > 16_384) text = text.slice(0, 4096) + text.slice(-4096);
      // Whole lines only: a reply line may be split between two chunks.
      const lines = (partial + d).split('\r\n');
      partial = lines.pop()!;
      replies += lines.filter((l) => /^\d{3}( |$)/.test(l)).length;
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    const greeted = new Promise<void>((r) => socket.once('data', () => r()));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, text: () => text, replies: () => replies, closed, greeted }));
    socket.once('error', reject);
  });
}

const waitUntil = async (check: () => boolean, what: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * Idle connections on an MX with the default socket timeout (minutes): with the short one
 * below, the first idle sessions would time out and free their places while the burst is
 * still connecting.
 */
describe('SMTP abuse: 1,000 idle connections', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ login: false });
  });
  afterAll(() => app?.close());

  it('1,000 idle connections from 5 addresses: 421 beyond the per-address limit, a normal client served', async () => {
    const limit = app.config.smtp.maxConnectionsPerIp;
    const idle = await Promise.all(Array.from({ length: 1000 }, (_, i) => rawSocket(app.smtpPort, `127.0.0.${2 + (i % 5)}`)));
    await waitUntil(() => idle.every((c) => /^(220|421)/m.test(c.text())), 'every greeting');
    // Past the per-address limit each gets 421 4.7.0; while the refused ones are still
    // closing, a burst can also meet the total limit (smtp.maxConnections), whose 421 is
    // smtp-server's "Too many connected clients". Both are the temporary refusal RFC 5321
    // §3.8 asks for; which one a connection meets depends on timing.
    const refused = idle.filter((c) => c.text().startsWith('421 '));
    const perAddress = refused.filter((c) => c.text().startsWith('421 4.7.0'));
    const greeted = idle.filter((c) => c.text().startsWith('220'));
    console.log(`smtp-abuse: 1000 idle connections → ${greeted.length} greeted, ${refused.length} refused with 421 (${perAddress.length} by the limit of ${limit} per address, ${refused.length - perAddress.length} by the total limit)`);
    expect(greeted.length).toBe(5 * limit);
    expect(refused.length).toBe(1000 - 5 * limit);
    expect(perAddress.length).toBeGreaterThan(0);
    await normalClient(app, '1,000 idle connections');
    for (const c of idle) c.socket.destroy();
  });

});

describe('SMTP abuse: the MX keeps serving normal clients', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Two recipients per message, so that 10,000 RCPTs meet the limit with addresses the MX
    // knows (support@ and postmaster@) and then with addresses it would refuse anyway.
    app = await startTestApp({ login: false, env: { MXDESK_SMTP_SOCKET_TIMEOUT_MS: String(SOCKET_TIMEOUT_MS), MXDESK_SMTP_MAX_RECIPIENTS: '2' } });
  });
  afterAll(() => app?.close());

  it('slowloris: a client dribbling slower than the socket timeout is cut with 421', async () => {
    const slow = await rawSocket(app.smtpPort, '127.0.0.7');
    const started = Date.now();
    const dribble = setInterval(() => !slow.socket.destroyed && slow.socket.write('E'), SOCKET_TIMEOUT_MS + 300);
    try {
      const latency = normalClient(app, 'slowloris');
      await slow.closed;
      await latency;
    } finally {
      clearInterval(dribble);
    }
    console.log(`smtp-abuse: slowloris client cut after ${Date.now() - started} ms: ${JSON.stringify(slow.text().trim().split('\r\n').at(-1))}`);
    expect(slow.text()).toMatch(/^421 .*[Tt]imeout/m);
  });

  /**
   * The real slowloris: a byte every little while, always just inside the socket timeout, a
   * command never finished. The idle timeout cannot cut such a client (RFC 5321 §4.5.3.2
   * times only the wait for a command); what bounds it is the per-address connection limit,
   * so one address holds at most that many sessions and everyone else is served.
   */
  it('slowloris just under the socket timeout: held to the per-address limit, a normal client still served', async () => {
    const limit = app.config.smtp.maxConnectionsPerIp;
    const slow = await Promise.all(Array.from({ length: limit + 5 }, () => rawSocket(app.smtpPort, '127.0.0.8')));
    await Promise.all(slow.map((c) => c.greeted));
    const held = slow.filter((c) => c.text().startsWith('220'));
    const dribble = setInterval(() => {
      for (const c of held) if (!c.socket.destroyed) c.socket.write('N');
    }, SOCKET_TIMEOUT_MS - 700);
    const started = Date.now();
    try {
      // Past two socket timeouts, so the dribble is what keeps them open.
      await new Promise((r) => setTimeout(r, 2 * SOCKET_TIMEOUT_MS + 200));
      const ms = await normalClient(app, `${held.length} slowloris sessions dribbling under the timeout`);
      const open = held.filter((c) => !c.socket.destroyed && c.replies() === 1).length;
      console.log(`smtp-abuse: slowloris under the timeout: ${held.length} of ${slow.length} sessions held (limit ${limit} per address), ${open} still open after ${Date.now() - started} ms; normal client served in ${ms.toFixed(0)} ms`);
      // The dribblers were really holding their sessions (else this is the test above)...
      expect(open).toBe(limit);
      // ...and the address got no more than its share.
      expect(slow.filter((c) => c.text().startsWith('421 4.7.0')).length).toBe(5);
    } finally {
      clearInterval(dribble);
      for (const c of slow) c.socket.destroy();
    }
  });

  it('a 100 MB message: 552 5.3.4, the MX stops buffering at the limit', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO big.example.com');
    await client.send('MAIL FROM:<alice@example.com>');
    await client.send('RCPT TO:<support@support.test>');
    expect((await client.send('DATA')).code).toBe(354);
    // What the process holds in buffers, after a full collection: RSS alone also counts the
    // garbage of the 100 MB streamed through, which V8 frees when it likes (CI once saw 84 MB).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const held = () => {
      gc();
      return process.memoryUsage().arrayBuffers;
    };
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const held0 = held();
    let heldPeak = held0;
    const line = Buffer.from(`${'x'.repeat(998)}\r\n`);
    const chunk = Buffer.concat(Array.from({ length: 1024 }, () => line)); // 1 MB
    const socket = (client as any).socket as net.Socket;
    let latency: Promise<number> | null = null;
    for (let mb = 0; mb < 100; mb++) {
      if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      if (mb === 50) latency = normalClient(app, 'a 100 MB message');
      peak = Math.max(peak, process.memoryUsage().rss);
      if (mb % 5 === 0) heldPeak = Math.max(heldPeak, held());
    }
    socket.write('.\r\n');
    const reply: Reply = await (client as any).read();
    peak = Math.max(peak, process.memoryUsage().rss);
    await latency;
    console.log(`smtp-abuse: 100 MB message → ${reply.raw.trim()}; buffers held at most ${((heldPeak - held0) / 1e6).toFixed(0)} MB; RSS ${(rss0 / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB (limit ${app.config.smtp.maxMessageBytes / 1e6} MB)`);
    expect(reply.code).toBe(552);
    expect(reply.text).toMatch(/^5\.3\.4 /);
    // Bounded by the size limit (what is kept) plus socket buffers, not by what was sent.
    expect(heldPeak - held0).toBeLessThan(app.config.smtp.maxMessageBytes * 1.5);
    await client.quit();
  });

  it('10,000 RCPTs pipelined: 250 up to the limit, then 452 4.5.3', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO many.example.com');
    await client.send('MAIL FROM:<alice@example.com>');
    const count = 10_000;
    const replies: Promise<Reply>[] = [];
    const rcpt = (i: number) => (i === 0 ? 'support' : i === 1 ? 'postmaster' : `user${i}`);
    client.write(Array.from({ length: count }, (_, i) => `RCPT TO:<${rcpt(i)}@support.test>\r\n`).join(''));
    for (let i = 0; i < count; i++) replies.push((client as any).read());
    const latency = normalClient(app, '10,000 RCPTs');
    const got = await Promise.all(replies);
    await latency;
    const limit = app.config.smtp.maxRecipients;
    expect(got.slice(0, limit).every((r) => r.code === 250)).toBe(true);
    const over = got.slice(limit);
    console.log(`smtp-abuse: ${count} RCPTs → ${limit} × 250, ${over.filter((r) => r.code === 452).length} × 452; first refusal: ${over[0]?.raw.trim()}`);
    expect(over.every((r) => r.code === 452 && /^4\.5\.3 /.test(r.text))).toBe(true);
    await client.quit();
  });

  it('command floods and pipelining abuse: NOOPs, junk, a line without end, DATA mid-pipeline', async () => {
    // Each waits for the greeting first: smtp-server hangs up on a client that talks before
    // it (RFC 5321 §4.3.1, "early talkers"), which would end these tests before they start.
    const [flood, junk, longLine, piped] = await Promise.all(['127.0.0.8', '127.0.0.9', '127.0.0.10', '127.0.0.11'].map((a) => rawSocket(app.smtpPort, a)));
    await Promise.all([flood, junk, longLine, piped].map((c) => c.greeted));
    flood.socket.write('EHLO flood.example.com\r\n' + 'NOOP\r\n'.repeat(20_000));
    junk.socket.write('EHLO junk.example.com\r\n' + 'XYZZY plugh\r\n'.repeat(1_000));
    longLine.socket.write(`EHLO ${'a'.repeat(4 * 1024 * 1024)}`);
    // RFC 2920 §3.1: DATA ends a pipelined group; this client sends everything at once anyway.
    piped.socket.write(`EHLO piped.example.com\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<support@support.test>\r\nDATA\r\n${mail({ subject: 'pipelined' })}\r\n.\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<nobody@foreign.example>\r\nDATA\r\nnot a mail\r\n.\r\nQUIT\r\n`);
    await normalClient(app, 'command floods');
    await Promise.all([junk.closed, longLine.closed, piped.closed]);
    await waitUntil(() => flood.replies() >= 20_001, 'the NOOP replies');
    console.log(`smtp-abuse: junk flood ended with ${JSON.stringify(junk.text().trim().split('\r\n').at(-1))}; endless line: ${JSON.stringify(longLine.text().trim().split('\r\n').at(-1))}`);
    expect(junk.text()).toMatch(/^421 /m);
    expect(longLine.text()).toMatch(/^421 .*[Cc]ommand line too long/m);
    const pipedReplies = piped.text().split('\r\n').filter(Boolean).map((l) => l.slice(0, 3));
    expect(pipedReplies.filter((c) => c === '250').length).toBeGreaterThanOrEqual(4); // EHLO end, MAIL, RCPT, end of DATA
    expect(piped.text()).toMatch(/^550 5\.7\.1 /m); // the foreign RCPT
    flood.socket.destroy();
  });

  it('relays to no foreign domain, whatever the address, sender or trick', async () => {
    const tricks = [
      'victim@foreign.example',
      'VICTIM@FOREIGN.EXAMPLE',
      'victim%foreign.example@support.test',
      '@support.test:victim@foreign.example',
      '"victim@foreign.example"@support.test',
      'victim@foreign.example@support.test',
      'victim@support.test.foreign.example',
      'victim@[127.0.0.1]',
      'postmaster@foreign.example',
    ];
    const senders = ['<alice@example.com>', '<>', '<support@support.test>', '<postmaster@support.test>'];
    const refusals: string[] = [];
    for (const [i, from] of senders.entries()) {
      const socket = await rawSocket(app.smtpPort, `127.0.0.${20 + i}`);
      const client = await SmtpClient.connect(app.smtpPort);
      socket.socket.destroy();
      await client.client.send('EHLO relay-test.example.net');
      for (const rcpt of tricks) {
        expect((await client.client.send(`MAIL FROM:${from}`)).code).toBe(250);
        const r = await client.client.send(`RCPT TO:<${rcpt}>`);
        refusals.push(`${rcpt} ${r.code}`);
        expect(r.code, `${from} → ${rcpt}: ${r.raw}`).toBeGreaterThanOrEqual(500);
        await client.client.send('RSET');
      }
      await client.client.quit();
    }
    console.log(`smtp-abuse: ${refusals.length} relay attempts, all refused with 5xx`);
  });
});
