import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from 'mailauth';
import { json, type TestApp } from '../helpers/app.js';
import { fixedResolver } from '../../src/verdict/resolver.js';
import { waitFor, type Relay } from './relays.js';
import { appWithPlainRelay, closeAll, customerWrites, ticket, userWithRole } from './fixtures.js';

describe('DKIM signing of what we send', () => {
  let app: TestApp;
  let relay: Relay;
  beforeAll(async () => {
    ({ app, relay } = await appWithPlainRelay());
  });
  afterAll(() => closeAll(app, relay));

  const verify = async (raw: string, record: { name: string; value: string }) => {
    const res: any = await authenticate(Buffer.from(raw), {
      ip: '127.0.0.1', helo: 'relay.test', sender: 'support@support.test', mta: 'mx.customer.test',
      resolver: fixedResolver({ [record.name]: { TXT: [[record.value]] } }) as any, disableBimi: true,
    });
    return res.dkim.results as Array<{ signingDomain: string; selector: string; status: { result: string } }>;
  };

  it('signs replies with the key mxdesk made; the DNS record it shows verifies them with mailauth', async () => {
    const created = await app.api('/api/v1/dkim-keys', { method: 'POST', json: { domain: 'support.test', selector: 'desk1' } });
    expect(created.status).toBe(201);
    const key = await json(created);
    expect(key.dnsRecord).toMatchObject({ name: 'desk1._domainkey.support.test', type: 'TXT' });
    expect(key.dnsRecord.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    expect(JSON.stringify(key)).not.toMatch(/PRIVATE KEY/);

    const { number } = await customerWrites(app, { subject: 'Signed please' });
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Signed answer' } }));
    const messageId = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId;
    const got = await waitFor(async () => relay.received.find((r) => r.raw.includes(messageId)), 'the signed reply');
    const results = await verify(got.raw, key.dnsRecord);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ signingDomain: 'support.test', selector: 'desk1', status: { result: 'pass' } });
    // The same mail changed in transit no longer verifies: the signature covers the body.
    const tampered = got.raw.replace('Signed answer', 'Forged answer');
    expect(tampered).not.toBe(got.raw);
    expect((await verify(tampered, key.dnsRecord))[0]!.status.result).not.toBe('pass');
  });

  it('an agent may not make or see DKIM keys', async () => {
    const agent = await userWithRole(app, 'agent');
    expect((await agent('/api/v1/dkim-keys')).status).toBe(403);
    expect((await agent('/api/v1/dkim-keys', { method: 'POST', json: { domain: 'help.test' } })).status).toBe(403);
  });
});
