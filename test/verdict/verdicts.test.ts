import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { mail, startTestApp, DEFAULT_DNS, type TestApp } from '../helpers/app.js';
import { acks, deliver, ticketNumbers, ticketWith, uniqueId } from '../helpers/mx.js';
import { withTimeout } from '../../src/verdict/resolver.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_TXT = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

/** Test DNS: the defaults plus a DKIM-signing domain, an SPF failer and a p=reject domain. */
const DNS: Record<string, Record<string, unknown[]>> = {
  ...DEFAULT_DNS,
  's1._domainkey.signed.test': { TXT: [[DKIM_TXT]] },
  '_dmarc.signed.test': { TXT: [['v=DMARC1; p=reject']] },
  'spf-fail.test': { TXT: [['v=spf1 ip4:192.0.2.1 -all']] },
  'reject.test': { TXT: [['v=spf1 ip4:192.0.2.1 -all']] },
  '_dmarc.reject.test': { TXT: [['v=DMARC1; p=reject']] },
};

async function signed(message: string): Promise<string> {
  const { signatures, errors } = await dkimSign(message, {
    signatureData: [{ signingDomain: 'signed.test', selector: 's1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }],
  } as any);
  expect(signatures).toMatch(/^DKIM-Signature: /);
  expect(errors ?? []).toEqual([]);
  return signatures + message;
}

const rejected = () => mail({ from: 'Boss <boss@reject.test>', subject: 'Wire the money', messageId: uniqueId('reject.test') });

describe('SPF, DKIM and DMARC verdicts, under the default p=reject action', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dns: DNS });
  });
  afterAll(() => app.close());

  it('stores SPF pass for an authorised client and fail for an unauthorised one', async () => {
    const pass = uniqueId();
    const fail = uniqueId('spf-fail.test');
    await deliver(app, mail({ messageId: pass }));
    await deliver(app, mail({ from: 'x@spf-fail.test', messageId: fail }));
    expect((await ticketWith(app, pass)).messages[0].verdict.spf).toMatchObject({ result: 'pass', domain: 'example.com' });
    expect((await ticketWith(app, fail)).messages[0].verdict.spf).toMatchObject({ result: 'fail', domain: 'spf-fail.test' });
  });

  it('verifies a DKIM signature, passes DMARC by it and prepends Authentication-Results to the .eml', async () => {
    const id = uniqueId('signed.test');
    const message = await signed(mail({ from: 'Newsletter <news@signed.test>', subject: 'Signed mail', messageId: id }));
    // The envelope sender is a third party without SPF: only the aligned signature can pass DMARC.
    expect((await deliver(app, message, { from: 'bounces@esp.example.net' })).code).toBe(250);
    const t = await ticketWith(app, id);
    const m = t.messages.find((x: any) => x.direction === 'in');
    expect(m.verdict.dkim).toEqual([expect.objectContaining({ result: 'pass', domain: 'signed.test', selector: 's1', aligned: true })]);
    expect(m.verdict.dmarc).toMatchObject({ result: 'pass', domain: 'signed.test', policy: 'reject' });
    expect(m.verdict.arc.result).toBe('none');
    const raw = await (await app.api(`/api/v1/messages/${m.id}/raw`)).text();
    const head = raw.slice(0, raw.indexOf('DKIM-Signature:'));
    expect(head).toMatch(/^Authentication-Results: mx\.support\.test;/m);
    expect(head).toMatch(/dkim=pass header\.i=@signed\.test header\.s=s1/);
    expect(head).toMatch(/dmarc=pass/);
    expect(head).toMatch(/^Received-SPF: /m);
    // The signed message follows our headers byte for byte.
    expect(raw.slice(raw.indexOf('DKIM-Signature:')).replace(/\r\n\.\./g, '\r\n.')).toBe(message);
  });

  it('refuses DMARC failure under p=reject with 550 5.7.1 at end of DATA, and stores nothing', async () => {
    const before = await ticketNumbers(app);
    const r = await deliver(app, rejected());
    expect(r.code).toBe(550);
    expect(r.text).toMatch(/^5\.7\.1 .*reject\.test/);
    expect(await ticketNumbers(app)).toEqual(before);
    expect(await app.db.keys(app.db.sub.spool)).toEqual([]);
  });
});

describe('DMARC p=reject failures with MXDESK_DMARC_REJECT_ACTION=quarantine', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dns: DNS, env: { MXDESK_DMARC_REJECT_ACTION: 'quarantine' } });
  });
  afterAll(() => app.close());

  it('tickets the mail flagged quarantine, with no acknowledgement', async () => {
    const message = rejected();
    expect((await deliver(app, message)).code).toBe(250);
    const t = await ticketWith(app, /Message-ID: (\S+)/.exec(message)![1]!);
    expect(t.flags).toEqual(expect.arrayContaining(['quarantine', 'dmarc-fail']));
    expect(t.messages[0].flags).toContain('quarantine');
    expect(await acks(app, t.number)).toHaveLength(0);
  });
});

describe('DMARC p=reject failures with MXDESK_DMARC_REJECT_ACTION=accept', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ dns: DNS, env: { MXDESK_DMARC_REJECT_ACTION: 'accept' } });
  });
  afterAll(() => app.close());

  it('tickets the mail normally, flagged dmarc-fail, with no acknowledgement', async () => {
    const message = rejected();
    expect((await deliver(app, message)).code).toBe(250);
    const t = await ticketWith(app, /Message-ID: (\S+)/.exec(message)![1]!);
    expect(t.status).toBe('open');
    expect(t.flags).toContain('dmarc-fail');
    expect(t.flags).not.toContain('quarantine');
    expect(await acks(app, t.number)).toHaveLength(0);
  });

  it('records a DKIM signature broken in transit as failed, and DMARC with it', async () => {
    const id = uniqueId('signed.test');
    const message = (await signed(mail({ from: 'news@signed.test', subject: 'Tampered', messageId: id, body: 'Pay 10 EUR' }))).replace('Pay 10 EUR', 'Pay 9999 EUR');
    expect((await deliver(app, message, { from: 'bounces@esp.example.net' })).code).toBe(250);
    const m = (await ticketWith(app, id)).messages[0];
    expect(m.verdict.dkim).toHaveLength(1);
    expect(m.verdict.dkim[0].result).not.toBe('pass');
    expect(m.verdict.dmarc.result).toBe('fail');
  });
});

describe('DNS that never answers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ resolver: withTimeout(() => new Promise(() => undefined), 300) });
  });
  afterAll(() => app.close());

  it('still accepts the mail, with temperror verdicts', async () => {
    const id = uniqueId();
    expect((await deliver(app, mail({ messageId: id }))).code).toBe(250);
    const t = await ticketWith(app, id);
    expect(t.messages[0].verdict.spf.result).toBe('temperror');
    expect(t.messages[0].verdict.dmarc.result).toBe('temperror');
    // Not known to fail DMARC: the customer still gets the acknowledgement.
    expect(t.flags).not.toContain('dmarc-fail');
    expect(await acks(app, t.number)).toHaveLength(1);
  });
});

const fixtures = path.resolve(import.meta.dirname, '../../../shared/corpus/mailauth/test/dkim/ec/fixtures');
const haveFixtures = existsSync(path.join(fixtures, 'signed.eml'));
if (!haveFixtures) console.log(`skipped: RFC 8463 Ed25519 case needs ${fixtures}`);

describe.skipIf(!haveFixtures)('RFC 8463 example signed with Ed25519 and RSA (mailauth fixture)', () => {
  let app: TestApp;
  beforeAll(async () => {
    // mailauth's DNS cache format is the fixed resolver's format.
    const dns = JSON.parse(readFileSync(path.join(fixtures, 'dns.json'), 'utf8'));
    app = await startTestApp({ dns });
  });
  afterAll(() => app?.close());

  it('passes both signatures', async () => {
    const raw = readFileSync(path.join(fixtures, 'signed.eml'));
    expect((await deliver(app, raw, { from: 'joe@football.example.com' })).code).toBe(250);
    const t = await ticketWith(app, '<20030712040037.46341.5F8J@football.example.com>');
    const m = t.messages.find((x: any) => x.direction === 'in');
    expect(m.verdict.dkim).toEqual([
      expect.objectContaining({ result: 'pass', domain: 'football.example.com', selector: 'brisbane' }),
      expect.objectContaining({ result: 'pass', domain: 'football.example.com', selector: 'test' }),
    ]);
    // football.example.com authorises 213.165.64.12 only, with ~all.
    expect(m.verdict.spf.result).toBe('softfail');
    const raw2 = await (await app.api(`/api/v1/messages/${m.id}/raw`)).text();
    expect(raw2).toMatch(/header\.a=ed25519-sha256/);
  });
});
