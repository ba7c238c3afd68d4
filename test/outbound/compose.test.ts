import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { Batch } from '../../src/store/db.js';
import { putSupportAddress } from '../../src/store/directory.js';
import type { DeskSettings } from '../../src/desk/types.js';
import { startRelay, waitFor, type Relay } from './relays.js';
import { addFromAddress, customerWrites, parse, ticket } from './fixtures.js';

describe('which From, which recipients, what attachments', () => {
  let app: TestApp;
  let relay: Relay;
  let small: Relay;
  let departmentId = '';
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    [relay, small] = await Promise.all([startRelay('plain'), startRelay('plain', { size: 50_000 })]);
    app = await startTestApp({ env: { MXDESK_OUTBOUND_RETRY_SCHEDULE: '100ms', MXDESK_OUTBOUND_GIVE_UP_AFTER: '500ms' } });
    const { number } = await customerWrites(app, { subject: 'Setup' });
    departmentId = (await ticket(app, number)).department.id;
    // sales@ is a second support address of the same department.
    const batch = new Batch();
    putSupportAddress(app.db, batch, { address: 'sales@support.test', name: 'Sales', departmentId, intake: true, isDefault: false, createdAt: Date.now() });
    await app.db.commit(batch, true);
    await app.reloadRouting();
    ids.org = (await addFromAddress(app, relay, { address: 'org@help.test', name: 'Org', isDefault: true })).id;
    ids.team = (await addFromAddress(app, relay, { address: 'team@support.test', name: 'Team', departmentId, isDefault: true })).id;
    ids.sales = (await addFromAddress(app, relay, { address: 'sales@support.test', name: 'Sales Desk', departmentId, isDefault: false })).id;
    ids.old = (await addFromAddress(app, relay, { address: 'old@support.test', name: 'Old', departmentId, isDefault: false, enabled: false })).id;
    ids.big = (await addFromAddress(app, small, { address: 'big@help.test', name: 'Small relay', isDefault: false })).id;
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([relay?.close(), small?.close()]);
  });

  /** Through the API, as the panel's channel settings screen does. */
  async function setSettings(change: Partial<DeskSettings>) {
    expect((await app.api('/api/v1/settings', { method: 'PATCH', json: change })).status).toBe(200);
  }

  /** Replies and returns the mail as the relay got it, parsed, with its delivery record id. */
  async function replyAndReceive(number: number, body: Record<string, unknown>, at = relay) {
    const res = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: body });
    if (res.status !== 202) throw new Error(`reply refused: ${res.status} ${await res.text()}`);
    const { id } = await json(res);
    const messageId = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId;
    const got = await waitFor(async () => at.received.find((r) => r.raw.includes(messageId)), 'the reply at the relay');
    return { id, got, parsed: await parse(got.raw) };
  }

  it('answers from the support address the customer wrote to, else the department default, else the organisation default', async () => {
    const toSales = await customerWrites(app, { subject: 'Quote please', to: 'sales@support.test' });
    expect((await replyAndReceive(toSales.number, { text: 'Here is a quote' })).got.mailFrom).toBe('sales@support.test');
    const toSupport = await customerWrites(app, { subject: 'Plain question' });
    const viaTeam = await replyAndReceive(toSupport.number, { text: 'From the team' });
    expect(viaTeam.parsed.from?.value[0]).toMatchObject({ address: 'team@support.test', name: 'Team' });
    await app.api(`/api/v1/from-addresses/${ids.team}`, { method: 'PATCH', json: { enabled: false } });
    await app.api(`/api/v1/from-addresses/${ids.sales}`, { method: 'PATCH', json: { enabled: false } });
    expect((await replyAndReceive(toSupport.number, { text: 'From the org' })).got.mailFrom).toBe('org@help.test');
    await app.api(`/api/v1/from-addresses/${ids.team}`, { method: 'PATCH', json: { enabled: true } });
    await app.api(`/api/v1/from-addresses/${ids.sales}`, { method: 'PATCH', json: { enabled: true } });
  });

  it('the agent may pick another active From address, never a disabled one', async () => {
    const { number } = await customerWrites(app, { subject: 'Pick a sender' });
    expect((await replyAndReceive(number, { text: 'Picked', from: ids.org })).got.mailFrom).toBe('org@help.test');
    const res = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Nope', from: 'old@support.test' } });
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toBe('old@support.test is not an active From address.');
  });

  it('channel settings: auto-CC the support mailbox, the agent’s name in From', async () => {
    await setSettings({ autoCcSupport: true, agentNameInFrom: true });
    const { number } = await customerWrites(app, { subject: 'Settings' });
    const { got, parsed } = await replyAndReceive(number, { text: 'With settings' });
    expect((parsed.cc as any).value.map((a: any) => a.address)).toEqual(['support@support.test']);
    expect(got.rcptTo.sort()).toEqual(['alice@example.com', 'support@support.test']);
    expect(parsed.from?.value[0]).toMatchObject({ address: 'team@support.test', name: 'Admin' });
    await setSettings({ autoCcSupport: false, agentNameInFrom: false });

    // The department overrides the organisation; an empty override follows it again.
    const override = (channel: Record<string, boolean>) => app.api(`/api/v1/departments/${departmentId}`, { method: 'PATCH', json: { channel } });
    expect((await json(override({ agentNameInFrom: true }))).channel).toEqual({ agentNameInFrom: true });
    const overridden = await replyAndReceive(number, { text: 'Department style' });
    expect(overridden.parsed.from?.value[0]).toMatchObject({ address: 'team@support.test', name: 'Admin' });
    expect(overridden.parsed.cc).toBeUndefined();
    expect((await json(override({}))).channel).toBeUndefined();
    expect((await replyAndReceive(number, { text: 'Organisation style' })).parsed.from?.value[0]).toMatchObject({ address: 'team@support.test', name: 'Team' });
  });

  it('attaches a stored attachment of the ticket and an uploaded file; refuses one from elsewhere', async () => {
    const boundary = 'xyz';
    const message = [
      'From: Alice Customer <alice@example.com>', 'To: support@support.test', 'Subject: Invoice attached', `Date: ${new Date().toUTCString()}`,
      'Message-ID: <att.1@example.com>', 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, '',
      `--${boundary}`, 'Content-Type: text/plain', '', 'See the invoice.', `--${boundary}`,
      'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"', 'Content-Transfer-Encoding: base64', '',
      Buffer.from('%PDF-1.4 fake invoice').toString('base64'), `--${boundary}--`, '',
    ].join('\r\n');
    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message })).code).toBe(250);
    await app.ingestor.idle();
    const number = (await json(app.api('/api/v1/tickets'))).items[0].number;
    const stored = (await ticket(app, number)).messages[0].attachments[0];
    expect(stored.filename).toBe('invoice.pdf');
    const { parsed } = await replyAndReceive(number, {
      text: 'Corrected invoice and a note attached',
      attachments: [{ id: stored.id }, { filename: 'note.txt', contentType: 'text/plain', content: Buffer.from('a note').toString('base64') }],
    });
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['invoice.pdf', '%PDF-1.4 fake invoice'], ['note.txt', 'a note']]);
    // A forward carries the forwarded message's attachments, to any address.
    const fwd = await json(app.api(`/api/v1/tickets/${number}/forward`, { method: 'POST', json: { to: ['accounts@partner.test'], text: 'Please check' } }));
    const fwdMessageId = (await ticket(app, number)).messages.find((m: any) => m.id === fwd.id).messageId;
    const forwarded = await parse((await waitFor(async () => relay.received.find((r) => r.raw.includes(fwdMessageId)), 'the forward')).raw);
    expect(forwarded.attachments.map((a) => a.filename)).toEqual(['invoice.pdf']);
    expect(forwarded.text).toContain('See the invoice.');
    const other = await customerWrites(app, { subject: 'Unrelated' });
    const res = await app.api(`/api/v1/tickets/${other.number}/replies`, { method: 'POST', json: { text: 'x', attachments: [{ id: stored.id }] } });
    expect(res.status).toBe(400);
  });

  it('a mail above the relay’s SIZE fails with a clear sentence; once the SIZE is known, the API refuses it up front', async () => {
    const { number } = await customerWrites(app, { subject: 'Big file' });
    const big = { filename: 'big.bin', content: Buffer.alloc(60_000, 1).toString('base64') };
    const res = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Large', from: ids.big, attachments: [big] } });
    expect(res.status).toBe(202);
    const { id } = await json(res);
    const failed = await waitFor(async () => {
      const d = (await ticket(app, number)).messages.find((m: any) => m.id === id).delivery;
      return d.state === 'failed' && d;
    }, 'failed for size');
    expect(failed.lastReply).toBe('The message is larger than the relay accepts (Message size larger than allowed 50000).');
    expect(small.received).toHaveLength(0);
    const again = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Large', from: ids.big, attachments: [big] } });
    expect(again.status).toBe(413);
    expect((await json(again)).error.code).toBe('too_large');
  });

  it('gives up after the configured time and says so', async () => {
    const { number } = await customerWrites(app, { subject: 'Never arrives' });
    await small.down();
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Into the void', from: ids.big } }));
    const failed = await waitFor(async () => {
      const d = (await ticket(app, number)).messages.find((m: any) => m.id === id).delivery;
      return d.state === 'failed' && d;
    }, 'given up');
    await small.up();
    expect(failed.attempts).toBeGreaterThanOrEqual(2);
    expect(failed.lastReply).toMatch(/^Gave up after \d+ attempts\. Last: Connection refused by 127\.0\.0\.1:\d+/);
  });
});
