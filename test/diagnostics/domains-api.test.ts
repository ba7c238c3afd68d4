import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { ADMIN, baseUrl, json, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/process.js';
import { userWithRole } from '../outbound/fixtures.js';
import { runCli } from '../../src/cli/main.js';
import { deskDns, RELAY, setUpDesk } from './desk-dns-fixture.js';

// The DNS check of the panel (GET /api/v1/domains/:domain/dns-check) and of `mxdesk
// dns-check`, run with the desk's own From relays and DKIM keys against fixed DNS answers.

describe('DNS check of the support domains through the API', () => {
  let app: TestApp;
  let keys: { supportKey: string; helpKey: string };
  const dns = deskDns();

  beforeAll(async () => {
    app = await startTestApp({ dns });
    keys = await setUpDesk(app, dns);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists the support domains with the relays and DKIM selectors the desk uses', async () => {
    const res = await app.api('/api/v1/domains');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.hostname).toBe('mx.support.test');
    expect(body.items).toEqual([
      { domain: 'support.test', relays: [RELAY], dkimSelectors: ['desk1'] },
      { domain: 'help.test', relays: [RELAY], dkimSelectors: ['desk1'] },
    ]);
  });

  it('passes a domain whose SPF includes the relay and whose DKIM key is published', async () => {
    const body = await json(app.api('/api/v1/domains/support.test/dns-check'));
    expect(body.ok).toBe(true);
    expect(body.findings.map((f: any) => `${f.check} ${f.state}`)).toEqual(['MX ok', 'SPF ok', 'DKIM ok', 'DMARC ok', 'PTR ok']);
    expect(body.findings.find((f: any) => f.check === 'SPF').detail).toContain(RELAY);
  });

  it('names what help.test lacks, with the exact records to publish', async () => {
    const body = await json(app.api('/api/v1/domains/help.test/dns-check'));
    expect(body.ok).toBe(false);
    const of = (check: string) => body.findings.find((f: any) => f.check === check);
    expect(of('MX')).toMatchObject({ state: 'missing', record: 'help.test. IN MX 10 mx.support.test.' });
    // The relay's address fails the published SPF; the record keeps what was there and adds the relay before -all.
    expect(of('SPF')).toMatchObject({ state: 'wrong', record: `help.test. IN TXT "v=spf1 ip4:198.51.100.7 a:${RELAY} -all"` });
    expect(of('SPF').detail).toMatch(/smtp\.relay\.test \[192\.0\.2\.25\] → fail/);
    expect(of('DKIM').state).toBe('missing');
    // A 2048-bit key is longer than one zone-file string may be (255, RFC 1035 §3.3): the
    // line holds it in several, which resolvers join back.
    const zone = of('DKIM').record as string;
    expect(zone.startsWith('desk1._domainkey.help.test. IN TXT "')).toBe(true);
    const strings = [...zone.matchAll(/"([^"]*)"/g)].map((q) => q[1]!);
    expect(strings.length).toBeGreaterThan(1);
    expect(strings.every((s) => s.length <= 255)).toBe(true);
    expect(strings.join('')).toBe(keys.helpKey);
    // The same, as the fields of a DNS provider's form.
    expect(of('DKIM').publish).toEqual({ name: 'desk1._domainkey.help.test', type: 'TXT', value: keys.helpKey });
    expect(of('MX').publish).toEqual({ name: 'help.test', type: 'MX', value: '10 mx.support.test.' });
    expect(of('DMARC').record).toMatch(/^_dmarc\.help\.test\. IN TXT "v=DMARC1; p=/);
  });

  it('follows the desk: a disabled From address is no longer a relay to authorise', async () => {
    const { items } = await json(app.api('/api/v1/from-addresses'));
    const help = items.find((f: any) => f.address === 'support@help.test');
    expect((await app.api(`/api/v1/from-addresses/${help.id}`, { method: 'PATCH', json: { enabled: false } })).status).toBe(200);
    const body = await json(app.api('/api/v1/domains/help.test/dns-check'));
    expect(body.findings.find((f: any) => f.check === 'SPF').state).toBe('ok');
    expect((await app.api(`/api/v1/from-addresses/${help.id}`, { method: 'PATCH', json: { enabled: true } })).status).toBe(200);
  });

  it('is for admins only, and answers 404 for a domain that is not a support domain', async () => {
    for (const role of ['agent', 'basic'] as const) {
      const other = await userWithRole(app, role);
      for (const path of ['/api/v1/domains', '/api/v1/domains/support.test/dns-check']) {
        const res = await other(path);
        expect(res.status).toBe(403);
        expect((await json(res)).error.code).toBe('forbidden');
      }
    }
    const res = await app.api('/api/v1/domains/elsewhere.test/dns-check');
    expect(res.status).toBe(404);
    expect((await json(res)).error).toMatchObject({ code: 'not_found', message: expect.stringContaining('elsewhere.test') });
    expect((await app.api('/api/v1/domains/not%20a%20domain/dns-check')).status).toBe(400);
  });

  it('`mxdesk dns-check --url` prints the same findings for every domain, PTR once, and exits 1', async () => {
    const { token } = await json(app.api('/api/v1/tokens', { method: 'POST', json: { name: 'dns' } }));
    let out = '';
    const code = await runCli(['dns-check', '--url', baseUrl(app), '--token', token], { out: (t) => (out += t), err: () => undefined });
    expect(code).toBe(1);
    expect(out).toMatch(/ok +SPF +support\.test: SPF authorises smtp\.relay\.test/);
    expect(out).toMatch(/ok +DKIM +support\.test: DKIM key desk1 is published/);
    expect(out).toContain(`add: help.test. IN TXT "v=spf1 ip4:198.51.100.7 a:${RELAY} -all"`);
    expect(out).toContain('add: desk1._domainkey.help.test. IN TXT "v=DKIM1; k=rsa; p=');
    expect(out.match(/PTR/g)).toHaveLength(1);
  });
});

describe('`mxdesk dns-check` on a stopped store', () => {
  it('asks for the SPF and DKIM records of the relays and keys in the data dir', async () => {
    const dataDir = tempDir('mxdesk-dns-cli-');
    const dns = deskDns();
    const app = await startTestApp({ dns, dataDir });
    await setUpDesk(app, dns);
    await app.close();
    // DNS goes to a closed loopback port: every lookup fails, so every record is asked for,
    // and what is asked for can only come from the store.
    const env = { MXDESK_DATA_DIR: dataDir, MXDESK_HOSTNAME: 'mx.support.test', MXDESK_DOMAINS: 'support.test,help.test', MXDESK_ADMIN_EMAIL: ADMIN.email, MXDESK_DNS_SERVERS: `127.0.0.1:${await freePort()}`, MXDESK_DNS_TIMEOUT_MS: '200', MXDESK_LOG_LEVEL: 'silent' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let out = '';
    try {
      expect(await runCli(['dns-check'], { out: (t) => (out += t), err: () => undefined })).toBe(1);
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(out).toContain(`add: support.test. IN TXT "v=spf1 a:${RELAY} ~all"`);
    expect(out).toContain('add: desk1._domainkey.support.test. IN TXT "v=DKIM1; k=rsa; p=');
    expect(out).toContain('add: desk1._domainkey.help.test. IN TXT "v=DKIM1; k=rsa; p=');
  }, 60_000);
});
