import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpClient, sendMail } from '../helpers/smtp-client.js';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';

describe('the MX accepts mail for support addresses only', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { MXDESK_SMTP_MAX_MESSAGE_BYTES: '20000', MXDESK_SMTP_MAX_RECIPIENTS: '3', MXDESK_SMTP_MAX_CONNECTIONS_PER_IP: '4' } });
  });
  afterAll(() => app.close());

  it('greets with its hostname, offers STARTTLS, SIZE and enhanced codes but no AUTH', async () => {
    const { client, greeting } = await SmtpClient.connect(app.smtpPort);
    expect(greeting.code).toBe(220);
    expect(greeting.text).toContain('mx.support.test');
    const ehlo = await client.send('EHLO client.example.net');
    expect(ehlo.code).toBe(250);
    expect(ehlo.text).toMatch(/STARTTLS/);
    expect(ehlo.text).toMatch(/SIZE 20000/);
    expect(ehlo.text).toMatch(/ENHANCEDSTATUSCODES/);
    expect(ehlo.text).not.toMatch(/AUTH/);
    const auth = await client.send('AUTH PLAIN AGFkbWluAHNlY3JldA==');
    expect(auth.code).toBeGreaterThanOrEqual(500);
    await client.quit();
  });

  it('refuses an unknown local part at a support domain with 550 5.1.1', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO client.example.net');
    await client.send('MAIL FROM:<alice@example.com>');
    const r = await client.send('RCPT TO:<nobody@support.test>');
    expect(r.code).toBe(550);
    expect(r.text).toMatch(/^5\.1\.1 /);
    await client.quit();
  });

  it('refuses any other domain with 550 5.7.1, from loopback too: no open relay', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO localhost');
    await client.send('MAIL FROM:<support@support.test>');
    for (const rcpt of ['victim@gmail.com', 'support@support.test.evil.com', 'support@localhost', 'support%support.test@evil.com']) {
      const r = await client.send(`RCPT TO:<${rcpt}>`);
      expect(r.code, rcpt).toBe(550);
      expect(r.text, rcpt).toMatch(/^5\.7\.1 /);
    }
    // A quoted local part hiding an @ is not even valid syntax here.
    expect((await client.send('RCPT TO:<"support@support.test"@evil.com>')).code).toBeGreaterThanOrEqual(500);
    const data = await client.send('DATA');
    expect(data.code).toBe(503);
    await client.quit();
  });

  it('accepts the default support address in any letter case, and postmaster', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO client.example.net');
    await client.send('MAIL FROM:<alice@example.com>');
    expect((await client.send('RCPT TO:<Support@SUPPORT.test>')).code).toBe(250);
    expect((await client.send('RCPT TO:<postmaster@help.test>')).code).toBe(250);
    await client.quit();
  });

  it('limits recipients per message with 452 4.5.3', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO client.example.net');
    await client.send('MAIL FROM:<alice@example.com>');
    for (const local of ['support', 'postmaster', 'Support']) {
      // Support and support are one address: a repeat does not count twice.
      expect((await client.send(`RCPT TO:<${local}@support.test>`)).code).toBe(250);
    }
    expect((await client.send('RCPT TO:<postmaster@help.test>')).code).toBe(250);
    const r = await client.send('RCPT TO:<support@help.test>');
    expect(r.code).toBe(452);
    expect(r.text).toMatch(/^4\.5\.3 /);
    await client.quit();
  });

  it('refuses a message over the size limit with 552 5.3.4, and keeps nothing of it', async () => {
    const before = await json(app.api('/api/v1/tickets'));
    const big = mail({ subject: 'too big', body: 'x'.repeat(76) .concat('\r\n').repeat(400) });
    const r = await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: big });
    expect(r.code).toBe(552);
    expect(r.text).toMatch(/^5\.3\.4 /);
    await app.ingestor.idle();
    const after = await json(app.api('/api/v1/tickets'));
    expect(after.items.length).toBe(before.items.length);
  });

  it('refuses the same size up front when MAIL FROM declares it (RFC 1870)', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO client.example.net');
    const r = await client.send('MAIL FROM:<alice@example.com> SIZE=999999');
    expect(r.code).toBe(552);
    await client.quit();
  });

  it('closes extra connections from one address with 421', async () => {
    const open: SmtpClient[] = [];
    for (let i = 0; i < 4; i++) {
      const { client, greeting } = await SmtpClient.connect(app.smtpPort);
      expect(greeting.code).toBe(220);
      open.push(client);
    }
    const { client: extra, greeting } = await SmtpClient.connect(app.smtpPort);
    expect(greeting.code).toBe(421);
    extra.destroy();
    for (const c of open) await c.quit();
  });

  it('upgrades to TLS with STARTTLS and records it in the envelope and Received header', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    await client.send('EHLO client.example.net');
    const tls = await client.startTls();
    expect(tls.code).toBe(220);
    expect(client.encrypted).toBe(true);
    expect((await client.send('EHLO client.example.net')).code).toBe(250);
    expect((await client.send('MAIL FROM:<alice@example.com>')).code).toBe(250);
    expect((await client.send('RCPT TO:<support@support.test>')).code).toBe(250);
    const done = await client.data(mail({ subject: 'over tls' }));
    expect(done.code).toBe(250);
    await client.quit();
    await app.ingestor.idle();
    const list = await json(app.api('/api/v1/tickets?q=over%20tls'));
    const t = await json(app.api(`/api/v1/tickets/${list.items[0].number}`));
    expect(t.messages[0].envelope).toMatchObject({ mailFrom: 'alice@example.com', rcptTo: ['support@support.test'], clientIp: '127.0.0.1', helo: 'client.example.net', tls: true });
    const raw = await (await app.api(`/api/v1/messages/${t.messages[0].id}/raw`)).text();
    expect(raw).toMatch(/^Received: from client\.example\.net \(\[127\.0\.0\.1\]\)\r\n\tby mx\.support\.test \(mxdesk\) with ESMTPS/m);
  });

  it('answers a bad command with 500 and keeps the session usable', async () => {
    const { client } = await SmtpClient.connect(app.smtpPort);
    const bad = await client.send('FROB nicate');
    expect(bad.code).toBe(500);
    expect((await client.send('EHLO client.example.net')).code).toBe(250);
    const rcptFirst = await client.send('RCPT TO:<support@support.test>');
    expect(rcptFirst.code).toBe(503);
    await client.quit();
  });
});
