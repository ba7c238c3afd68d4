import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { startRelay, waitFor, type Relay } from './relays.js';
import { addFromAddress, appWithPlainRelay, closeAll, customerWrites, header, parse, ticket, userWithRole } from './fixtures.js';

describe('replies leave through a plain relay, threaded, exactly once', () => {
  let app: TestApp;
  let relay: Relay;
  beforeAll(async () => {
    ({ app, relay } = await appWithPlainRelay({ MXDESK_OUTBOUND_RETRY_SCHEDULE: '150ms', MXDESK_OUTBOUND_GIVE_UP_AFTER: '1h' }));
  });
  afterAll(() => closeAll(app, relay));

  const delivered = (messageId: string) => relay.received.filter((r) => r.raw.includes(messageId));
  const deliveryOf = async (number: number, id: string) => (await ticket(app, number)).messages.find((m: any) => m.id === id)?.delivery;

  it('sends the acknowledgement ingest queued, marked as an automatic reply', async () => {
    const { number, messageId } = await customerWrites(app, { subject: 'Ack me' });
    const t = await ticket(app, number);
    const ack = t.messages.find((m: any) => m.flags.includes('acknowledgement'));
    await waitFor(async () => delivered(ack.messageId).length > 0, 'the acknowledgement at the relay');
    const got = delivered(ack.messageId)[0]!;
    expect(got.mailFrom).toBe('support@support.test');
    expect(got.rcptTo).toEqual(['alice@example.com']);
    const parsed = await parse(got.raw);
    expect(header(parsed, 'auto-submitted')).toBe('auto-replied');
    expect(parsed.inReplyTo).toBe(messageId);
    const after = await waitFor(async () => (await deliveryOf(number, ack.id))?.state === 'sent' && deliveryOf(number, ack.id), 'state sent');
    expect(after).toMatchObject({ state: 'sent', attempts: 1, nextAttemptAt: null });
    expect(after.lastReply).toMatch(/^250 .*queued as Q\d+/);
  });

  it('sends a reply with the signed Message-ID, threading headers, the subject token and no Auto-Submitted; the ticket waits on the customer', async () => {
    const { number, messageId } = await customerWrites(app, { subject: 'Where is my parcel?' });
    const res = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'It left our warehouse today.' } });
    expect(res.status).toBe(202);
    const { id } = await json(res);
    expect((await ticket(app, number)).status).toBe('waiting');
    const record = (await ticket(app, number)).messages.find((m: any) => m.id === id);
    expect(record.messageId).toMatch(new RegExp(`^<mxd\\.${number}\\.[^@]+@support\\.test>$`));
    expect(record.author).toMatchObject({ name: 'Admin' });
    await waitFor(async () => delivered(record.messageId).length > 0, 'the reply at the relay');
    const got = delivered(record.messageId)[0]!;
    expect(got.mailFrom).toBe('support@support.test');
    expect(got.rcptTo).toEqual(['alice@example.com']);
    const parsed = await parse(got.raw);
    expect(parsed.messageId).toBe(record.messageId);
    expect(parsed.inReplyTo).toBe(messageId);
    expect([parsed.references].flat()).toContain(messageId);
    expect(parsed.subject).toBe(`[#${number}] Re: Where is my parcel?`);
    expect(parsed.from?.value[0]).toMatchObject({ address: 'support@support.test', name: 'Support Team' });
    expect(parsed.text?.trim()).toBe('It left our warehouse today.');
    expect(header(parsed, 'auto-submitted')).toBeUndefined();
    await waitFor(async () => (await deliveryOf(number, id))?.state === 'sent', 'state sent');
  });

  it('reply all keeps the customer’s CCs and drops our own addresses; Bcc stays out of the headers', async () => {
    const { number } = await customerWrites(app, { subject: 'Team question', cc: 'bob@example.com, support@support.test' });
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Answer for all', all: true, bcc: ['boss@example.com'] } }));
    const record = (await ticket(app, number)).messages.find((m: any) => m.id === id);
    expect(record.flags).not.toContain('private');
    await waitFor(async () => delivered(record.messageId).length > 0, 'the reply at the relay');
    const got = delivered(record.messageId)[0]!;
    expect(got.rcptTo.sort()).toEqual(['alice@example.com', 'bob@example.com', 'boss@example.com']);
    const parsed = await parse(got.raw);
    expect(got.raw.split('\r\n\r\n')[0]).not.toMatch(/^bcc:/im);
    expect((parsed.cc as any).value.map((a: any) => a.address)).toEqual(['bob@example.com']);
  });

  it('a reply that leaves the requester out is private and leaves the status alone; a forward is always private', async () => {
    const { number } = await customerWrites(app, { subject: 'Ask the supplier' });
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Can you check stock?', to: ['supplier@example.net'] } }));
    let t = await ticket(app, number);
    expect(t.messages.find((m: any) => m.id === id).flags).toContain('private');
    expect(t.status).toBe('open');
    const fwd = await app.api(`/api/v1/tickets/${number}/forward`, { method: 'POST', json: { to: ['alice@example.com'], text: 'FYI' } });
    expect(fwd.status).toBe(202);
    const forwardId = (await json(fwd)).id;
    t = await ticket(app, number);
    const forward = t.messages.find((m: any) => m.id === forwardId);
    expect(forward.flags).toEqual(expect.arrayContaining(['forward', 'private']));
    await waitFor(async () => delivered(forward.messageId).length > 0, 'the forward at the relay');
    const parsed = await parse(delivered(forward.messageId)[0]!.raw);
    expect(parsed.subject).toBe(`[#${number}] Fwd: Ask the supplier`);
    expect(parsed.text).toContain('---------- Forwarded message ----------');
    expect(parsed.text).toContain('Hello, my order has not arrived.');
    expect(parsed.inReplyTo).toBeUndefined();
  });

  it('a relay that is down: the reply retries, then is delivered exactly once when the relay returns', async () => {
    const { number } = await customerWrites(app, { subject: 'Relay down' });
    await app.outbound.idle();
    await relay.down();
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Sent while the relay sleeps' } }));
    const retrying = await waitFor(async () => {
      const d = await deliveryOf(number, id);
      return d?.state === 'retrying' && d.attempts >= 2 && d;
    }, 'two failed attempts');
    expect(retrying.lastReply).toMatch(/Connection refused by 127\.0\.0\.1:\d+/);
    expect(retrying.nextAttemptAt).toBeGreaterThan(0);
    await relay.up();
    await waitFor(async () => (await deliveryOf(number, id))?.state === 'sent', 'delivery after the relay returns');
    const messageId = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId;
    app.outbound.wake();
    await app.outbound.idle();
    expect(delivered(messageId)).toHaveLength(1);
  });

  it('a 5xx from the relay fails the reply with the server’s words; retry now sends it once the cause is gone', async () => {
    const { number } = await customerWrites(app, { subject: 'Refused' });
    await app.outbound.idle();
    relay.refuse = { at: 'rcpt', code: 550, message: '5.1.1 <alice@example.com>: mailbox unavailable' };
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'This one bounces at RCPT' } }));
    const failed = await waitFor(async () => {
      const d = await deliveryOf(number, id);
      return d?.state === 'failed' && d;
    }, 'state failed');
    relay.refuse = null;
    expect(failed.attempts).toBe(1);
    expect(failed.lastReply).toContain('550 5.1.1 <alice@example.com>: mailbox unavailable');
    // The agent who wrote it is told in the panel, with the relay's words.
    const notice = await waitFor(async () => (await json(app.api('/api/v1/notifications?unread=true'))).items.find((n: any) => n.kind === 'delivery-failed' && n.ticketNumber === number), 'a delivery-failed notification');
    expect(notice.text).toContain('550 5.1.1');
    const retried = await app.api(`/api/v1/messages/${id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(200);
    await waitFor(async () => (await deliveryOf(number, id))?.state === 'sent', 'sent after retry now');
  });

  it('cancel stops a waiting reply; a sent one cannot be cancelled', async () => {
    const { number } = await customerWrites(app, { subject: 'Cancel me' });
    await app.outbound.idle();
    await relay.down();
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Never mind' } }));
    await waitFor(async () => (await deliveryOf(number, id))?.state === 'retrying', 'retrying');
    await waitFor(async () => !app.outbound.isSending(id) && (await app.api(`/api/v1/messages/${id}/cancel`, { method: 'POST' })).status === 200, 'cancel accepted');
    await relay.up();
    expect((await deliveryOf(number, id)).state).toBe('cancelled');
    const messageId = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId;
    app.outbound.wake();
    await app.outbound.idle();
    expect(delivered(messageId)).toHaveLength(0);
    const { id: sentId } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Second thoughts' } }));
    await waitFor(async () => (await deliveryOf(number, sentId))?.state === 'sent', 'the second reply sent');
    const refused = await app.api(`/api/v1/messages/${sentId}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('already_sent');
  });

  it('a user with the basic role may not reply or forward', async () => {
    const { number } = await customerWrites(app, { subject: 'Basic role' });
    const basic = await userWithRole(app, 'basic');
    const res = await basic(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'hi' } });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
    expect((await basic(`/api/v1/tickets/${number}/forward`, { method: 'POST', json: { to: ['x@example.net'] } })).status).toBe(403);
  });
});

describe('a customer answers our reply from their own client', () => {
  let app: TestApp;
  let relay: Relay;
  beforeAll(async () => {
    ({ app, relay } = await appWithPlainRelay());
  });
  afterAll(() => closeAll(app, relay));

  it('threads back into the ticket through the signed Message-ID even without the subject token', async () => {
    const { number } = await customerWrites(app, { subject: 'Broken zipper' });
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Please send us a photo.' } }));
    const ours = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId as string;
    const sent = await waitFor(async () => relay.received.find((r) => r.raw.includes(ours)), 'our reply at the relay');
    expect((await parse(sent.raw)).subject).toContain(`[#${number}]`);
    expect((await ticket(app, number)).status).toBe('waiting');

    // The customer's client drops the token but keeps In-Reply-To/References (RFC 5322 §3.6.4).
    const answer = mail({ subject: 'Re: Broken zipper', body: 'Photo attached in spirit.', headers: { 'In-Reply-To': ours, References: ours } });
    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: answer })).code).toBe(250);
    await app.ingestor.idle();
    const t = await ticket(app, number);
    expect(t.messages.at(-1).text).toContain('Photo attached in spirit.');
    expect(t.status).toBe('open');
    const list = await json(app.api('/api/v1/tickets'));
    expect(list.items.filter((x: any) => x.subject.includes('zipper'))).toHaveLength(1);
  });

  it('someone the agent wrote to (here a supplier, privately) answers into the same ticket', async () => {
    const { number } = await customerWrites(app, { subject: 'Spare part' });
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Do you have part 42?', to: ['parts@supplier.test'] } }));
    const ours = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId as string;
    await waitFor(async () => relay.received.find((r) => r.raw.includes(ours)), 'the question at the relay');
    const answer = mail({ from: 'Parts <parts@supplier.test>', subject: 'Re: part 42', body: 'Yes, in stock.', headers: { 'In-Reply-To': ours, References: ours } });
    expect((await sendMail(app.smtpPort, { from: 'parts@supplier.test', to: ['support@support.test'], message: answer })).code).toBe(250);
    await app.ingestor.idle();
    const t = await ticket(app, number);
    expect(t.messages.at(-1)).toMatchObject({ direction: 'in', from: { email: 'parts@supplier.test' } });
    expect(t.messages.at(-1).flags).not.toContain('hijack-guard');
  });
});

describe('before any From address exists', () => {
  let app: TestApp;
  let relay: Relay;
  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp();
  });
  afterAll(() => closeAll(app, relay));

  it('an acknowledgement waits, untouched, and goes out as soon as an admin adds a From address; a reply is refused clearly', async () => {
    const { number } = await customerWrites(app, { subject: 'Early bird' });
    const ack = (await ticket(app, number)).messages.find((m: any) => m.flags.includes('acknowledgement'));
    await app.outbound.idle();
    expect(ack.delivery).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await ticket(app, number)).messages.find((m: any) => m.id === ack.id).delivery).toMatchObject({ state: 'queued', attempts: 0 });
    const refused = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Too early' } });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('no_from_address');

    await addFromAddress(app, relay);
    await waitFor(async () => relay.received.find((r) => r.raw.includes(ack.messageId)), 'the acknowledgement at the relay');
  });
});
