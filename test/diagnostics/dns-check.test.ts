import { describe, expect, it } from 'vitest';
import { checkDns, formatFindings, spfMechanismFor, withMechanisms } from '../../src/diagnostics/dns-check.js';
import { fixedResolver } from '../../src/verdict/resolver.js';

const resolver = fixedResolver({
  'good.test': { MX: [{ exchange: 'mx.desk.test', priority: 10 }], TXT: [['v=spf1 a:relay.good.test -all']] },
  '_dmarc.good.test': { TXT: [['v=DMARC1; p=reject']] },
  'relay.good.test': { A: ['192.0.2.10'] },
  'mail._domainkey.good.test': { TXT: [['v=DKIM1; k=rsa; p=ABCDEF']] },
  'bad.test': { MX: [{ exchange: 'mx.elsewhere.test', priority: 10 }], TXT: [['v=spf1 ip4:198.51.100.1 -all']] },
  'relay.bad.test': { A: ['192.0.2.20'] },
  'mx.desk.test': { A: ['192.0.2.1'] },
  '1.2.0.192.in-addr.arpa': { PTR: ['vps-123.provider.test'] },
});

describe('DNS check of the support domains', () => {
  it('passes a domain whose MX, SPF, DKIM and DMARC are right, and names what is wrong elsewhere with the record to publish', async () => {
    const findings = await checkDns(
      {
        hostname: 'mx.desk.test',
        domains: ['good.test', 'bad.test', 'empty.test'],
        relays: [{ domain: 'good.test', host: 'relay.good.test' }, { domain: 'bad.test', host: 'relay.bad.test' }],
        dkim: [{ domain: 'good.test', selector: 'mail', record: 'v=DKIM1; k=rsa; p=ABCDEF' }, { domain: 'bad.test', selector: 'mail', record: 'v=DKIM1; k=rsa; p=XYZ' }],
      },
      resolver,
    );
    const of = (domain: string, check: string) => findings.find((f) => f.domain === domain && f.check === check)!;
    expect(findings.filter((f) => f.domain === 'good.test').map((f) => f.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(of('bad.test', 'MX')).toMatchObject({ state: 'wrong', record: 'bad.test. IN MX 10 mx.desk.test.' });
    expect(of('bad.test', 'SPF').state).toBe('wrong');
    expect(of('bad.test', 'SPF').detail).toMatch(/relay\.bad\.test \[192\.0\.2\.20\] → fail/);
    expect(of('bad.test', 'DKIM')).toMatchObject({ state: 'missing', record: 'mail._domainkey.bad.test. IN TXT "v=DKIM1; k=rsa; p=XYZ"' });
    expect(of('bad.test', 'DMARC').state).toBe('missing');
    expect(of('empty.test', 'MX').state).toBe('missing');
    expect(of('empty.test', 'SPF').record).toMatch(/^empty\.test\. IN TXT "v=spf1 /);
    expect(of('mx.desk.test', 'PTR')).toMatchObject({ state: 'wrong' });
    expect(of('mx.desk.test', 'PTR').detail).toMatch(/vps-123\.provider\.test/);
    const text = formatFindings(findings);
    expect(text).toMatch(/MISSING DMARC bad\.test/);
    expect(text).toMatch(/add: _dmarc\.bad\.test\. IN TXT "v=DMARC1/);
  });

  it('says it could not tell when DNS fails, instead of calling records missing', async () => {
    const failing = async () => {
      throw Object.assign(new Error('timed out'), { code: 'ETIMEOUT' });
    };
    const findings = await checkDns({ hostname: 'mx.desk.test', domains: ['good.test'], relays: [], dkim: [] }, failing);
    expect(findings.find((f) => f.check === 'MX')!.state).toBe('unknown');
  });

  it('asks for the provider\'s include: for the big relays, and adds to the published record before its "all"', async () => {
    expect(spfMechanismFor('smtp.gmail.com')).toBe('include:_spf.google.com');
    expect(spfMechanismFor('smtp.office365.com')).toBe('include:spf.protection.outlook.com');
    expect(spfMechanismFor('email-smtp.eu-west-1.amazonaws.com')).toBe('include:amazonses.com');
    expect(spfMechanismFor('mail.example-relay.test')).toBe('a:mail.example-relay.test');
    expect(withMechanisms('v=spf1 mx redirect=_spf.example.com', ['a:r.test'])).toBe('v=spf1 mx a:r.test redirect=_spf.example.com');
    expect(withMechanisms('v=spf1 a:r.test ~all', ['a:r.test'])).toBe('v=spf1 a:r.test ~all');

    const findings = await checkDns(
      { hostname: 'mx.desk.test', domains: ['bad.test', 'empty.test'], relays: [{ domain: 'bad.test', host: 'smtp.gmail.com' }, { domain: 'empty.test', host: 'smtp.office365.com' }], dkim: [] },
      fixedResolver({ 'bad.test': { TXT: [['v=spf1 ip4:198.51.100.1 -all']] }, 'smtp.gmail.com': { A: ['192.0.2.99'] } }),
    );
    expect(findings.find((f) => f.domain === 'bad.test' && f.check === 'SPF')!.record).toBe('bad.test. IN TXT "v=spf1 ip4:198.51.100.1 include:_spf.google.com -all"');
    expect(findings.find((f) => f.domain === 'empty.test' && f.check === 'SPF')!.record).toBe('empty.test. IN TXT "v=spf1 include:spf.protection.outlook.com ~all"');
  });
});
