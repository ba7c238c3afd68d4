import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { createLogger } from '../../src/log.js';
import { RELAY_PASSWORD, RELAY_USER, startRelay, waitFor, type Relay } from './relays.js';
import { customerWrites, parse, ticket, userWithRole } from './fixtures.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('From addresses on TLS relays: test connection, secrecy of the password', () => {
  let app: TestApp;
  let starttls: Relay;
  let ssl: Relay;
  const logLines: string[] = [];
  beforeAll(async () => {
    [starttls, ssl] = await Promise.all([startRelay('starttls', { size: 200_000 }), startRelay('ssl')]);
    const logStream = new PassThrough();
    logStream.on('data', (c: Buffer) => logLines.push(c.toString()));
    app = await startTestApp({ env: { MXDESK_OUTBOUND_TIMEOUT_MS: '1500' }, log: createLogger('trace', logStream) });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([starttls?.close(), ssl?.close()]);
  });

  const relayOf = (r: Relay, security: string, extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port: r.port, security, username: RELAY_USER, password: RELAY_PASSWORD, allowSelfSigned: true, ...extra });
  const create = async (body: Record<string, unknown>) => {
    const res = await app.api('/api/v1/from-addresses', { method: 'POST', json: body });
    return { status: res.status, body: await json(res) };
  };
  const patch = (id: string, body: Record<string, unknown>) => app.api(`/api/v1/from-addresses/${id}`, { method: 'PATCH', json: body });
  const test = async (id: string, body: Record<string, unknown> = {}) => json(app.api(`/api/v1/from-addresses/${id}/test`, { method: 'POST', json: body }));

  let tlsId = '';
  let sslId = '';

  it('creates From addresses and never returns the relay password', async () => {
    const a = await create({ address: 'support@support.test', name: 'Support', isDefault: true, relay: relayOf(starttls, 'starttls') });
    expect(a.status).toBe(201);
    expect(a.body.relay).toMatchObject({ security: 'starttls', username: RELAY_USER, hasPassword: true });
    expect(JSON.stringify(a.body)).not.toContain(RELAY_PASSWORD);
    tlsId = a.body.id;
    const b = await create({ address: 'billing@help.test', name: 'Billing', relay: relayOf(ssl, 'ssl') });
    sslId = b.body.id;
    const list = await app.api('/api/v1/from-addresses');
    const text = await list.text();
    expect(JSON.parse(text).items).toHaveLength(2);
    expect(text).not.toContain(RELAY_PASSWORD);
  });

  it('test connection says OK for STARTTLS and SSL with AUTH, and can send a test mail to the admin', async () => {
    expect(await test(tlsId)).toMatchObject({ ok: true, message: `OK: connected to 127.0.0.1:${starttls.port} with TLS (STARTTLS) and logged in as ${RELAY_USER}.`, maxSize: 200_000 });
    const r = await test(sslId, { sendTestMail: true });
    expect(r.ok).toBe(true);
    expect(r.message).toContain('with SSL (implicit TLS)');
    const got = ssl.received.at(-1)!;
    expect(got).toMatchObject({ rcptTo: ['admin@example.com'], mailFrom: 'billing@help.test', user: RELAY_USER, secure: true });
  });

  it('test connection names each failure class in one sentence', async () => {
    await patch(tlsId, { relay: { allowSelfSigned: false } });
    expect((await test(tlsId)).message).toMatch(/^The relay's TLS certificate was rejected \(.*\)\. Tick "accept self-signed certificate" only if you trust this relay\.$/);
    await patch(tlsId, { relay: { allowSelfSigned: true, security: 'ssl' } });
    expect((await test(tlsId)).message).toBe(`127.0.0.1:${starttls.port} does not speak SSL (implicit TLS) from the first byte: this looks like a STARTTLS or plain port (such as 587 or 25). Choose TLS (STARTTLS) instead.`);
    await patch(sslId, { relay: { security: 'starttls' } });
    expect((await test(sslId)).message).toBe(`127.0.0.1:${ssl.port} accepted the connection but sent no greeting: it probably expects SSL (implicit TLS), as on port 465. Choose SSL instead.`);
    await patch(sslId, { relay: { security: 'ssl', password: 'not the password' } });
    const auth = await test(sslId);
    expect(auth).toMatchObject({ ok: false });
    expect(auth.message).toMatch(/^Authentication failed: the relay refused this username or password\. The relay said: "535 /);
    const closed = await startRelay('plain');
    await closed.close();
    await patch(sslId, { relay: { port: closed.port, password: RELAY_PASSWORD } });
    expect((await test(sslId)).message).toBe(`Connection refused by 127.0.0.1:${closed.port}: nothing listens on that port, or a firewall refuses it.`);
    await patch(tlsId, { relay: { security: 'plain' } });
    expect((await test(tlsId)).message).toBe(`127.0.0.1:${starttls.port} wants TLS before login, and Plain never starts it. Choose TLS (STARTTLS) for this port.`);
    const plain = await startRelay('plain');
    await patch(sslId, { relay: { port: plain.port, security: 'starttls' } });
    expect((await test(sslId)).message).toBe(`127.0.0.1:${plain.port} does not offer STARTTLS. Choose SSL if this is an implicit TLS port (465), or Plain only if the relay is on a trusted network.`);
    await plain.close();
    await patch(tlsId, { relay: { security: 'starttls' } });
    await patch(sslId, { relay: { port: ssl.port, security: 'ssl' } });
    expect((await test(sslId)).ok).toBe(true);
  });

  it('a reply goes through the STARTTLS relay encrypted and authenticated; one above the relay SIZE is refused clearly', async () => {
    const { number } = await customerWrites(app, { subject: 'Over TLS' });
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Encrypted answer' } }));
    const messageId = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId;
    const got = await waitFor(async () => starttls.received.find((r) => r.raw.includes(messageId)), 'the reply at the STARTTLS relay');
    expect(got).toMatchObject({ secure: true, user: RELAY_USER, rcptTo: ['alice@example.com'] });
    expect((await parse(got.raw)).text?.trim()).toBe('Encrypted answer');

    const big = Buffer.alloc(300_000, 7).toString('base64');
    const res = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Here is the file', attachments: [{ filename: 'big.bin', content: big }] } });
    expect(res.status).toBe(413);
    expect((await json(res)).error.message).toMatch(/accepts at most 0\.2 MB \(its SMTP SIZE\)/);
  });

  it('the clear relay password is in no file under the data dir and in no log line', async () => {
    const files = filesUnder(app.dataDir);
    const contents = files.map((f) => readFileSync(f));
    // Positive control: the grep does see the From address records (LevelDB's log holds writes as they are).
    expect(contents.some((c) => c.includes(RELAY_USER))).toBe(true);
    expect(files.filter((f, i) => contents[i]!.includes(RELAY_PASSWORD))).toEqual([]);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((l) => l.includes(RELAY_PASSWORD))).toEqual([]);
  });

  it('only admins manage From addresses; a department keeps at least one', async () => {
    const agent = await userWithRole(app, 'agent');
    // Agents see the active addresses to pick from, without their relays.
    const offered = await json(agent('/api/v1/from-addresses'));
    expect(offered.items.map((f: any) => f.address).sort()).toEqual(['billing@help.test', 'support@support.test']);
    expect(offered.items.every((f: any) => f.relay === undefined)).toBe(true);
    const res = await agent(`/api/v1/from-addresses/${tlsId}`, { method: 'PATCH', json: { name: 'Mine now' } });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
    expect((await agent(`/api/v1/from-addresses/${tlsId}/test`, { method: 'POST', json: {} })).status).toBe(403);
    expect((await app.api(`/api/v1/from-addresses/${sslId}`, { method: 'DELETE' })).status).toBe(204);
    const last = await app.api(`/api/v1/from-addresses/${tlsId}`, { method: 'PATCH', json: { enabled: false } });
    expect(last.status).toBe(409);
    expect((await json(last)).error.code).toBe('last_from_address');
  });
});
