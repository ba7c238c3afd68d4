import { DEFAULT_DNS, json, type TestApp } from '../helpers/app.js';

// DNS as the desk's two support domains publish it (the test app's support.test and
// help.test), with the desk's own relay and DKIM keys: support.test has everything right,
// help.test has an SPF record that leaves the relay out, no MX, no DMARC, no DKIM key.

export const RELAY = 'smtp.relay.test';
export const RELAY_IP = '192.0.2.25';

export function deskDns(): Record<string, Record<string, unknown[]>> {
  return {
    ...DEFAULT_DNS,
    'support.test': { MX: [{ exchange: 'mx.support.test', priority: 10 }], TXT: [['v=spf1 include:_spf.relay.test -all']] },
    '_spf.relay.test': { TXT: [[`v=spf1 ip4:${RELAY_IP} -all`]] },
    [RELAY]: { A: [RELAY_IP] },
    '_dmarc.support.test': { TXT: [['v=DMARC1; p=reject']] },
    'help.test': { TXT: [['v=spf1 ip4:198.51.100.7 -all']] },
    'mx.support.test': { A: ['192.0.2.1'] },
    '1.2.0.192.in-addr.arpa': { PTR: ['mx.support.test'] },
  };
}

/**
 * Sets the desk up through the admin API: a From address in each domain on the relay, and a
 * DKIM key for each; the key of support.test is then published in `dns` (the resolver reads
 * the object at lookup time), as the admin would after copying it.
 */
export async function setUpDesk(app: TestApp, dns: Record<string, Record<string, unknown[]>>): Promise<{ supportKey: string; helpKey: string }> {
  for (const address of ['support@support.test', 'support@help.test']) {
    const res = await app.api('/api/v1/from-addresses', { method: 'POST', json: { address, name: 'Support', relay: { host: RELAY, port: 587, security: 'starttls' } } });
    if (res.status !== 201) throw new Error(`from address: ${res.status} ${await res.text()}`);
  }
  const keys: string[] = [];
  for (const domain of ['support.test', 'help.test']) {
    const res = await app.api('/api/v1/dkim-keys', { method: 'POST', json: { domain, selector: 'desk1' } });
    if (res.status !== 201) throw new Error(`dkim key: ${res.status} ${await res.text()}`);
    keys.push((await json(res)).dnsRecord.value);
  }
  dns['desk1._domainkey.support.test'] = { TXT: [[keys[0]!.slice(0, 200), keys[0]!.slice(200)]] };
  return { supportKey: keys[0]!, helpKey: keys[1]! };
}
