import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, baseUrl, json, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { RELAY_PASSWORD, RELAY_USER, startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { customerWrites } from '../outbound/fixtures.js';

function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? everyFile(p) : [p];
  });
}

/**
 * After a run that touches every kind of secret — the admin's password, a relay password,
 * a session, an API token — none of them is in any file under the data dir, LevelDB's
 * write-ahead .log and its .ldb tables included (they hold values exactly as written).
 */
describe('no secret in clear under the data dir', () => {
  let app: TestApp;
  let relay: Relay;
  // Our own data dir: the test reads it after the app has stopped.
  const dataDir = tempDir('mxdesk-secrets-');
  const secrets: Record<string, string> = { 'admin password': ADMIN.password, 'relay password': RELAY_PASSWORD };
  beforeAll(async () => {
    relay = await startRelay('starttls');
    app = await startTestApp({ dataDir });
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds none after login, a relay with AUTH, an API token, a reply and a restart of the store', async () => {
    const created = await app.api('/api/v1/from-addresses', {
      method: 'POST',
      json: { address: 'support@support.test', name: 'Support', isDefault: true, relay: { host: '127.0.0.1', port: relay.port, security: 'starttls', username: RELAY_USER, password: RELAY_PASSWORD, allowSelfSigned: true } },
    });
    expect(created.status).toBe(201);

    const login = await fetch(`${baseUrl(app)}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]!);
    cookies.forEach((c, i) => (secrets[`session cookie ${i}`] = c.slice(c.indexOf('=') + 1)));
    secrets['CSRF token'] = (await json(login)).csrfToken;

    const token = await json(app.api('/api/v1/tokens', { method: 'POST', json: { name: 'secrets test' } }));
    secrets['API token'] = token.token;
    const { number } = await customerWrites(app, { subject: 'Secret run' });
    const reply = await fetch(`${baseUrl(app)}/api/v1/tickets/${number}/replies`, { method: 'POST', headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Answered with a token' }) });
    expect(reply.status).toBe(202);
    await waitFor(async () => relay.received.some((r) => r.user === RELAY_USER && r.raw.includes('Answered with a token')), 'the reply at the relay, sent with AUTH');

    await app.close();
    const files = everyFile(app.dataDir);
    const contents = files.map((f) => readFileSync(f));
    // Positive control: the scan reads what was written (the ticket's subject is in there).
    expect(contents.some((c) => c.includes('Secret run'))).toBe(true);
    const found = Object.entries(secrets).flatMap(([what, secret]) =>
      files.filter((_, i) => contents[i]!.includes(secret) || contents[i]!.includes(Buffer.from(secret, 'utf16le'))).map((f) => `${what} in ${path.relative(app.dataDir, f)}`),
    );
    console.log(`secrets: ${Object.keys(secrets).length} secrets looked for in ${files.length} files (${contents.reduce((n, c) => n + c.length, 0)} bytes)`);
    expect(found).toEqual([]);
  });
});
