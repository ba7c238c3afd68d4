import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { deliver, setStatus, ticketNumbers, ticketWith, uniqueId } from '../helpers/mx.js';
import { Batch } from '../../src/store/db.js';
import { putDepartment, putSettings, getSettings, putSupportAddress, putUser } from '../../src/store/directory.js';
import { acks } from '../helpers/mx.js';

const DAY = 86_400_000;
// One PNG pixel: a real image, so the inline part is a real binary.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% a tiny but real file\n' + 'x'.repeat(3000) + '\n%%EOF\n');

function base64Lines(b: Buffer): string {
  return b.toString('base64').replace(/.{76}/g, '$&\r\n');
}

/** multipart/mixed( multipart/related( multipart/alternative(text, html), inline png ), pdf ) */
function richMail(messageId: string): string {
  return [
    'From: Dana Customer <dana@example.com>',
    'To: support@support.test',
    'Subject: Invoice with a picture',
    `Message-ID: ${messageId}`,
    'Date: Sun, 22 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mixed"',
    '',
    '--mixed',
    'Content-Type: multipart/related; boundary="related"',
    '',
    '--related',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße, see the invoice attached.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Grüße, see <b>the invoice</b> <img src="cid:pixel@example.com"></p>',
    '--alt--',
    '--related',
    'Content-Type: image/png',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <pixel@example.com>',
    'Content-Disposition: inline; filename="pixel.png"',
    '',
    base64Lines(PIXEL),
    '--related--',
    '--mixed',
    'Content-Type: application/pdf; name="invoice.pdf"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="invoice.pdf"',
    '',
    base64Lines(PDF),
    '--mixed--',
    '',
  ].join('\r\n');
}

describe('mail to a support address becomes a ticket', () => {
  let app: TestApp;
  let billingId: string;
  beforeAll(async () => {
    app = await startTestApp();
    // A second support address with its own department, to tell envelope from To:.
    const batch = new Batch();
    billingId = 'dept-billing';
    putDepartment(app.db, batch, { id: billingId, name: 'Billing', createdAt: Date.now() });
    putSupportAddress(app.db, batch, { address: 'billing@help.test', name: 'Billing', departmentId: billingId, intake: true, isDefault: false, createdAt: Date.now() });
    await app.db.commit(batch);
    await app.reloadRouting();
  });
  afterAll(() => app.close());

  it('numbers new tickets sequentially from #1001, open, with subject and requester', async () => {
    const first = uniqueId();
    const second = uniqueId();
    expect((await deliver(app, mail({ from: 'Alice Customer <alice@example.com>', subject: 'First question', messageId: first }))).code).toBe(250);
    expect((await deliver(app, mail({ from: 'Bob <bob@customer.test>', subject: 'Second question', messageId: second }))).code).toBe(250);
    const a = await ticketWith(app, first);
    const b = await ticketWith(app, second);
    expect(a).toMatchObject({ number: 1001, subject: 'First question', status: 'open', requester: { email: 'alice@example.com', name: 'Alice Customer' }, alias: 'support@support.test' });
    expect(b).toMatchObject({ number: 1002, subject: 'Second question', status: 'open', requester: { email: 'bob@customer.test', name: 'Bob' } });
    expect(a.department.name).toBe('Support');
  });

  it('files a forwarded mail under the envelope recipient, not the To: header', async () => {
    const id = uniqueId();
    // Forwarded by a mail server: To: names the support address, the envelope the billing one.
    await deliver(app, mail({ to: 'support@support.test', subject: 'Forwarded to billing', messageId: id }), { to: ['billing@help.test'] });
    const t = await ticketWith(app, id);
    expect(t.alias).toBe('billing@help.test');
    expect(t.department).toEqual({ id: billingId, name: 'Billing' });
  });

  it('keeps text, HTML, attachments and inline images, each retrievable', async () => {
    const id = uniqueId();
    await deliver(app, richMail(id));
    const t = await ticketWith(app, id);
    const m = t.messages.find((x: any) => x.direction === 'in');
    expect(m.text).toContain('Grüße, see the invoice attached.');
    expect(m.html).toContain('<b>the invoice</b>');
    const pdf = m.attachments.find((a: any) => a.filename === 'invoice.pdf');
    const png = m.attachments.find((a: any) => a.contentType === 'image/png');
    expect(pdf).toMatchObject({ contentType: 'application/pdf', size: PDF.length });
    expect(png).toMatchObject({ inline: true, cid: 'pixel@example.com', size: PIXEL.length });
    for (const [att, bytes] of [[pdf, PDF], [png, PIXEL]] as const) {
      const res = await app.api(`/api/v1/attachments/${att.id}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(att.contentType);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const raw = await app.api(`/api/v1/messages/${m.id}/raw`);
    expect(raw.headers.get('content-type')).toContain('message/rfc822');
    expect(await raw.text()).toContain(`Message-ID: ${id}`);
  });

  it('joins a follow-up by the [#number] in its subject', async () => {
    const first = uniqueId();
    await deliver(app, mail({ subject: 'Printer on fire', messageId: first }));
    const t = await ticketWith(app, first);
    const follow = uniqueId();
    await deliver(app, mail({ subject: `Re: [#${t.number}] Printer on fire`, messageId: follow }));
    const joined = await ticketWith(app, follow);
    expect(joined.number).toBe(t.number);
    expect(joined.messages.filter((m: any) => m.direction === 'in')).toHaveLength(2);
  });

  it('joins a follow-up by In-Reply-To, and by References alone', async () => {
    const first = uniqueId();
    await deliver(app, mail({ subject: 'Lost password', messageId: first }));
    const n = (await ticketWith(app, first)).number;
    const byInReplyTo = uniqueId();
    await deliver(app, mail({ subject: 'Re: Lost password', messageId: byInReplyTo, headers: { 'In-Reply-To': first } }));
    const byReferences = uniqueId();
    await deliver(app, mail({ subject: 'still lost', messageId: byReferences, headers: { References: `<unrelated@else.where> ${byInReplyTo}` } }));
    expect((await ticketWith(app, byInReplyTo)).number).toBe(n);
    expect((await ticketWith(app, byReferences)).number).toBe(n);
  });

  it('reopens a waiting ticket when the requester writes again', async () => {
    const first = uniqueId();
    await deliver(app, mail({ subject: 'Waiting on me', messageId: first }));
    const n = (await ticketWith(app, first)).number;
    await setStatus(app, n, 'waiting');
    await deliver(app, mail({ subject: `Re: [#${n}] Waiting on me`, messageId: uniqueId() }));
    expect((await json(app.api(`/api/v1/tickets/${n}`))).status).toBe('open');
  });

  it('reopens a closed ticket within the reopen window', async () => {
    const first = uniqueId();
    await deliver(app, mail({ subject: 'Closed lately', messageId: first }));
    const n = (await ticketWith(app, first)).number;
    await setStatus(app, n, 'closed', Date.now() - 2 * DAY);
    const follow = uniqueId();
    await deliver(app, mail({ subject: `Re: [#${n}] Closed lately`, messageId: follow }));
    const t = await ticketWith(app, follow);
    expect(t.number).toBe(n);
    expect(t.status).toBe('open');
  });

  it('opens a new ticket linking the old one when the ticket was closed too long ago', async () => {
    const first = uniqueId();
    await deliver(app, mail({ subject: 'Closed long ago', messageId: first }));
    const n = (await ticketWith(app, first)).number;
    await setStatus(app, n, 'closed', Date.now() - 30 * DAY);
    const follow = uniqueId();
    await deliver(app, mail({ subject: `Re: [#${n}] Closed long ago`, messageId: follow }));
    const t = await ticketWith(app, follow);
    expect(t.number).not.toBe(n);
    expect(t.status).toBe('open');
    expect(t.linkedTickets).toEqual([n]);
    expect((await json(app.api(`/api/v1/tickets/${n}`))).status).toBe('closed');
  });

  it('does not ticket a Message-ID twice', async () => {
    const id = uniqueId();
    const before = (await ticketNumbers(app)).length;
    const message = mail({ subject: 'Sent twice', messageId: id });
    expect((await deliver(app, message)).code).toBe(250);
    expect((await deliver(app, message)).code).toBe(250);
    expect((await ticketNumbers(app)).length).toBe(before + 1);
    const t = await ticketWith(app, id);
    expect(t.messages.filter((m: any) => m.direction === 'in')).toHaveLength(1);
  });

  it('hijack guard: a stranger citing #N opens a new ticket that mentions #N', async () => {
    const first = uniqueId();
    await deliver(app, mail({ subject: 'My private matter', messageId: first }));
    const n = (await ticketWith(app, first)).number;
    const intruder = uniqueId('customer.test');
    await deliver(app, mail({ from: 'Mallory <mallory@customer.test>', subject: `Re: [#${n}] My private matter`, messageId: intruder, headers: { 'In-Reply-To': first } }));
    const t = await ticketWith(app, intruder);
    expect(t.number).not.toBe(n);
    expect(t.flags).toContain('hijack-guard');
    expect(t.linkedTickets).toEqual([n]);
    expect(t.messages[0].text).toContain(`#${n}`);
    expect((await json(app.api(`/api/v1/tickets/${n}`))).messages.some((m: any) => m.from.email === 'mallory@customer.test')).toBe(false);
  });

  it('hijack guard: a CC of the first mail is a participant and may write into the ticket', async () => {
    const first = uniqueId();
    await deliver(app, mail({ subject: 'With my colleague', messageId: first, headers: { Cc: 'Bob <bob@customer.test>' } }));
    const n = (await ticketWith(app, first)).number;
    const fromBob = uniqueId('customer.test');
    await deliver(app, mail({ from: 'bob@customer.test', subject: `Re: [#${n}] With my colleague`, messageId: fromBob }));
    expect((await ticketWith(app, fromBob)).number).toBe(n);
  });

  it('takes the requester from Reply-To when that setting is on', async () => {
    const settings = await getSettings(app.db);
    const batch = new Batch();
    putSettings(app.db, batch, { ...settings, contactFromReplyTo: true });
    await app.db.commit(batch);
    try {
      const id = uniqueId();
      await deliver(app, mail({ from: 'Web Form <noreply@example.com>', subject: 'Contact form', messageId: id, headers: { 'Reply-To': 'Erin Visitor <erin@customer.test>' } }));
      expect((await ticketWith(app, id)).requester).toEqual({ email: 'erin@customer.test', name: 'Erin Visitor' });
    } finally {
      const restore = new Batch();
      putSettings(app.db, restore, settings);
      await app.db.commit(restore);
    }
    const id = uniqueId();
    await deliver(app, mail({ from: 'Web Form <noreply@example.com>', subject: 'Contact form again', messageId: id, headers: { 'Reply-To': 'erin@customer.test' } }));
    expect((await ticketWith(app, id)).requester.email).toBe('noreply@example.com');
  });

  it('makes the #original_sender of a mail forwarded by an agent the requester', async () => {
    const id = uniqueId();
    // admin@example.com is an active agent (the admin); example.com passes SPF from loopback.
    await deliver(app, mail({ from: 'Admin <admin@example.com>', subject: 'Fwd: phone call', messageId: id, body: '#original_sender {Frank Caller <frank@customer.test>}\r\n\r\nFrank called about his order.' }));
    const t = await ticketWith(app, id);
    expect(t.requester).toEqual({ email: 'frank@customer.test', name: 'Frank Caller' });
    // From anyone else the line is just text.
    const other = uniqueId();
    await deliver(app, mail({ from: 'alice@example.com', subject: 'Fwd: not an agent', messageId: other, body: '#original_sender frank@customer.test\r\n\r\nhi' }));
    expect((await ticketWith(app, other)).requester.email).toBe('alice@example.com');
  });
});

describe('hijack guard with DMARC', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      dns: {
        'strict.test': { TXT: [['v=spf1 ip4:127.0.0.0/8 -all']] },
        '_dmarc.strict.test': { TXT: [['v=DMARC1; p=quarantine']] },
      },
    });
  });
  afterAll(() => app.close());

  it('a participant whose domain fails DMARC does not count as that participant', async () => {
    const first = uniqueId('strict.test');
    // Aligned SPF pass: DMARC passes, the ticket is Carol's.
    await deliver(app, mail({ from: 'Carol <carol@strict.test>', subject: 'Strict domain', messageId: first }));
    const t = await ticketWith(app, first);
    expect(t.messages[0].verdict.dmarc.result).toBe('pass');
    // Same From, but sent through a server strict.test does not authorise: DMARC fails.
    const forged = uniqueId('strict.test');
    await deliver(app, mail({ from: 'Carol <carol@strict.test>', subject: `Re: [#${t.number}] Strict domain`, messageId: forged }), { from: 'someone@elsewhere.test' });
    const other = await ticketWith(app, forged);
    expect(other.number).not.toBe(t.number);
    expect(other.messages[0].verdict.dmarc.result).toBe('fail');
    expect(other.flags).toEqual(expect.arrayContaining(['hijack-guard', 'dmarc-fail']));
  });

  it('a forged agent gets no agent powers: #original_sender is ignored', async () => {
    const batch = new Batch();
    putUser(app.db, batch, { id: 'agent-strict', email: 'agent@strict.test', name: 'Agent', role: 'agent', departments: [], active: true, passwordHash: 'x', createdAt: Date.now() });
    await app.db.commit(batch);
    const forged = uniqueId('strict.test');
    await deliver(app, mail({ from: 'agent@strict.test', subject: 'Fwd: call', messageId: forged, body: '#original_sender victim@customer.test\r\n\r\nplease answer' }), { from: 'someone@elsewhere.test' });
    const t = await ticketWith(app, forged);
    expect(t.requester.email).toBe('agent@strict.test');
    expect(await acks(app, t.number)).toHaveLength(0);
    // The real agent, DMARC passing, may.
    const real = uniqueId('strict.test');
    await deliver(app, mail({ from: 'agent@strict.test', subject: 'Fwd: call', messageId: real, body: '#original_sender victim@customer.test\r\n\r\nplease answer' }));
    expect((await ticketWith(app, real)).requester.email).toBe('victim@customer.test');
  });
});
