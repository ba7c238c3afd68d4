import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mail, startTestApp, type TestApp } from '../helpers/app.js';
import { Batch } from '../../src/store/db.js';
import { getSettings, putDepartment, putSettings, putSupportAddress } from '../../src/store/directory.js';
import type { DeskSettings } from '../../src/desk/types.js';
import { acks, deliver, setStatus, ticketWith, uniqueId } from '../helpers/mx.js';

/** An RFC 3464 DSN (RFC 6522 multipart/report) returning the headers of `original`. */
function dsn(opts: { original: string; subject?: string; messageId?: string; returned?: 'headers' | 'message' }): string {
  const whole = opts.returned === 'message';
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
    'To: support@support.test',
    `Subject: ${opts.subject ?? 'Undelivered Mail Returned to Sender'}`,
    `Message-ID: ${opts.messageId ?? uniqueId('mx.customer.test')}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'I could not deliver your message to gone@customer.test.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.test',
    '',
    'Final-Recipient: rfc822; gone@customer.test',
    'Action: failed',
    'Status: 5.1.1',
    '',
    '--b1',
    // RFC 3464 §2: the returned message whole (message/rfc822) or its headers only.
    whole ? 'Content-Type: message/rfc822' : 'Content-Type: text/rfc822-headers',
    '',
    'From: Support <support@support.test>',
    'To: gone@customer.test',
    `Message-ID: ${opts.original}`,
    'Subject: something',
    ...(whole ? ['Content-Type: text/plain', '', 'The returned body.'] : []),
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

describe('acknowledgements (RFC 3834)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('queues an acknowledgement to the requester of a new ticket, marked auto-replied, with the ticket token', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'Alice Customer <alice@example.com>', subject: 'Where is my parcel', messageId: id }));
    const t = await ticketWith(app, id);
    const [ack, ...more] = await acks(app, t.number);
    expect(more).toHaveLength(0);
    expect(ack).toMatchObject({ state: 'queued', to: [{ email: 'alice@example.com' }], from: { email: 'support@support.test' }, inReplyTo: id });
    expect(ack!.headers['Auto-Submitted']).toBe('auto-replied');
    expect(ack!.subject).toContain(`[#${t.number}]`);
    expect(ack!.text).toContain(`#${t.number}`);
    // It is part of the ticket's history too.
    expect(t.messages.some((m: any) => m.direction === 'out' && m.flags.includes('acknowledgement'))).toBe(true);
  });

  it('threads a reply to our acknowledgement by its signed Message-ID, without the subject token', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'olivia@example.com', subject: 'Token dropped', messageId: id }));
    const n = (await ticketWith(app, id)).number;
    const [ack] = await acks(app, n);
    const reply = uniqueId();
    await deliver(app, mail({ from: 'olivia@example.com', subject: 'my mail client ate the number', messageId: reply, headers: { 'In-Reply-To': ack!.messageId } }));
    expect((await ticketWith(app, reply)).number).toBe(n);
    // A look-alike Message-ID without our signature names no ticket.
    const forged = ack!.messageId.replace(/\.[A-Za-z0-9_-]{12}@/, '.AAAAAAAAAAAA@');
    const other = uniqueId();
    await deliver(app, mail({ from: 'olivia@example.com', subject: 'forged reference', messageId: other, headers: { 'In-Reply-To': forged } }));
    expect((await ticketWith(app, other)).number).not.toBe(n);
  });

  it('does not acknowledge a follow-up', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'grace@example.com', subject: 'One', messageId: id }));
    const n = (await ticketWith(app, id)).number;
    await deliver(app, mail({ from: 'grace@example.com', subject: `Re: [#${n}] One`, messageId: uniqueId() }));
    expect(await acks(app, n)).toHaveLength(1);
  });

  const automatic: Array<[string, Record<string, string>]> = [
    ['Auto-Submitted: auto-replied', { 'Auto-Submitted': 'auto-replied' }],
    ['Auto-Submitted: auto-generated', { 'Auto-Submitted': 'auto-generated' }],
    ['X-Autoreply', { 'X-Autoreply': 'yes' }],
    ['X-Autorespond', { 'X-Autorespond': 'Out of office' }],
    ['Precedence: bulk', { Precedence: 'bulk' }],
    ['Precedence: junk', { Precedence: 'junk' }],
    ['Precedence: list', { Precedence: 'list' }],
    ['Precedence: auto_reply', { Precedence: 'auto_reply' }],
    ['X-Auto-Response-Suppress', { 'X-Auto-Response-Suppress': 'All' }],
    ['List-Id', { 'List-Id': 'Announcements <news.example.com>' }],
  ];
  for (const [name, headers] of automatic) {
    it(`never acknowledges mail with ${name}, but still tickets it`, async () => {
      const id = uniqueId();
      // A fresh sender each time, so the hourly limit plays no part.
      const from = `robot-${Math.random().toString(36).slice(2, 8)}@example.com`;
      expect((await deliver(app, mail({ from, subject: 'Automatic mail', messageId: id, headers }))).code).toBe(250);
      const t = await ticketWith(app, id);
      expect(t.status).toBe('open');
      expect(await acks(app, t.number)).toHaveLength(0);
    });
  }

  it('acknowledges Auto-Submitted: no, which is a person writing', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'heidi@example.com', subject: 'Typed by hand', messageId: id, headers: { 'Auto-Submitted': 'no' } }));
    expect(await acks(app, (await ticketWith(app, id)).number)).toHaveLength(1);
  });

  it('never acknowledges mail from our own support address', async () => {
    const id = uniqueId('support.test');
    await deliver(app, mail({ from: 'Support <support@support.test>', subject: 'Looping back', messageId: id }), { from: 'support@support.test' });
    const t = await ticketWith(app, id);
    expect(t).toBeDefined();
    expect(await acks(app, t.number)).toHaveLength(0);
  });

  it('acknowledges at most 3 new tickets per sender per hour', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const id = uniqueId();
      await deliver(app, mail({ from: 'ivan@example.com', subject: `Question ${i}`, messageId: id }));
      numbers.push((await ticketWith(app, id)).number);
    }
    const acked = await Promise.all(numbers.map(async (n) => (await acks(app, n)).length));
    expect(acked).toEqual([1, 1, 1, 0, 0]);
  });

  it('attaches a DSN for our acknowledgement to its ticket, without acknowledgement or status change', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'judy@example.com', subject: 'Bounce me', messageId: id }));
    const t = await ticketWith(app, id);
    await setStatus(app, t.number, 'waiting');
    const [ack] = await acks(app, t.number);
    const bounceId = uniqueId('mx.customer.test');
    expect((await deliver(app, dsn({ original: ack!.messageId, messageId: bounceId }), { from: '' })).code).toBe(250);
    const after = await ticketWith(app, bounceId);
    expect(after.number).toBe(t.number);
    expect(after.status).toBe('waiting');
    expect(after.messages.find((m: any) => m.messageId === bounceId).flags).toContain('bounce');
    expect(await acks(app, t.number)).toHaveLength(1);
  });

  it('finds the bounced message in a DSN that returns it whole (message/rfc822)', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'quinn@example.com', subject: 'Returned whole', messageId: id }));
    const t = await ticketWith(app, id);
    const [ack] = await acks(app, t.number);
    const bounceId = uniqueId('mx.customer.test');
    await deliver(app, dsn({ original: ack!.messageId, messageId: bounceId, returned: 'message' }), { from: '' });
    expect((await ticketWith(app, bounceId)).number).toBe(t.number);
  });

  it('attaches a DSN citing a stored inbound Message-ID to that ticket', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'ken@example.com', subject: 'Returned', messageId: id }));
    const n = (await ticketWith(app, id)).number;
    const bounceId = uniqueId('mx.customer.test');
    await deliver(app, dsn({ original: id, messageId: bounceId }), { from: '' });
    expect((await ticketWith(app, bounceId)).number).toBe(n);
  });

  it('sends an unmatched bounce to the flagged system ticket, never acknowledged', async () => {
    const first = uniqueId('mx.customer.test');
    const second = uniqueId('mx.customer.test');
    await deliver(app, dsn({ original: '<never-sent@support.test>', messageId: first }), { from: '' });
    // A bounce without multipart/report, known by its sender only.
    await deliver(app, mail({ from: 'MAILER-DAEMON@mx.customer.test', subject: 'failure notice', messageId: second, body: 'Sorry, I could not deliver it.' }), { from: '' });
    const a = await ticketWith(app, first);
    const b = await ticketWith(app, second);
    expect(a.number).toBe(b.number);
    expect(a.flags).toContain('system');
    expect(await acks(app, a.number)).toHaveLength(0);
  });

  it('never acknowledges a null-sender mail even without bounce headers', async () => {
    const id = uniqueId();
    await deliver(app, mail({ from: 'notify@example.com', subject: 'Plain looking', messageId: id }), { from: '' });
    const t = await ticketWith(app, id);
    expect(await acks(app, t.number)).toHaveLength(0);
  });

  it('never acknowledges a bounce known by its headers alone, whatever the envelope sender', async () => {
    const report = uniqueId('mx.customer.test');
    const daemon = uniqueId('mx.customer.test');
    // Some forwarders rewrite the null reverse-path; the report and its sender still tell.
    await deliver(app, dsn({ original: '<lost@nowhere.test>', messageId: report }), { from: 'srs-bounces@forwarder.example.com' });
    await deliver(app, mail({ from: 'Mail Delivery Subsystem <MAILER-DAEMON@mx.customer.test>', subject: 'Returned mail: see transcript', messageId: daemon }), { from: 'postmaster@mx.customer.test' });
    for (const id of [report, daemon]) {
      const t = await ticketWith(app, id);
      expect(t.flags).toContain('system');
      expect(await acks(app, t.number)).toHaveLength(0);
    }
  });

  it('never acknowledges our own acknowledgement coming back (X-Loop), nor mail from our own domains', async () => {
    const looped = uniqueId();
    await deliver(app, mail({ from: 'lara@example.com', subject: 'Auto: [#9999] something', messageId: looped, headers: { 'X-Loop': 'support@support.test' } }));
    const ownDomain = uniqueId('support.test');
    await deliver(app, mail({ from: 'Website <noreply@support.test>', subject: 'Contact form entry', messageId: ownDomain }), { from: 'noreply@support.test' });
    for (const id of [looped, ownDomain]) {
      const t = await ticketWith(app, id);
      expect(t.messages.find((m: any) => m.messageId === id).flags).toContain('own-address');
      expect(await acks(app, t.number)).toHaveLength(0);
    }
  });

  it('sends no acknowledgement when they are turned off', async () => {
    await withSettings(app, { acknowledge: false }, async () => {
      const id = uniqueId();
      await deliver(app, mail({ from: 'mike@example.com', subject: 'Quiet please', messageId: id }));
      expect(await acks(app, (await ticketWith(app, id)).number)).toHaveLength(0);
    });
  });

  it('uses the configured subject token format for threading and in the acknowledgement', async () => {
    await withSettings(app, { subjectTokenFormat: '[Ticket {number}]' }, async () => {
      const id = uniqueId();
      await deliver(app, mail({ from: 'nina@example.com', subject: 'Custom token', messageId: id }));
      const n = (await ticketWith(app, id)).number;
      expect((await acks(app, n))[0]!.subject).toContain(`[Ticket ${n}]`);
      const follow = uniqueId();
      await deliver(app, mail({ from: 'nina@example.com', subject: `Re: [Ticket ${n}] Custom token`, messageId: follow }));
      expect((await ticketWith(app, follow)).number).toBe(n);
    });
  });

  it('uses a department\'s own acknowledgement template, and none for a department that turned it off', async () => {
    const batch = new Batch();
    const now = Date.now();
    putDepartment(app.db, batch, { id: 'dept-shop', name: 'Shop', createdAt: now, acknowledgement: { enabled: true, subject: 'We got it: {subject}', text: 'Dear {name}, ticket {number} is with {department}. Keep {token} in the subject.' } });
    putDepartment(app.db, batch, { id: 'dept-quiet', name: 'Quiet', createdAt: now, acknowledgement: { enabled: false } });
    putSupportAddress(app.db, batch, { address: 'shop@help.test', name: '', departmentId: 'dept-shop', intake: true, isDefault: false, createdAt: now });
    putSupportAddress(app.db, batch, { address: 'quiet@help.test', name: '', departmentId: 'dept-quiet', intake: true, isDefault: false, createdAt: now });
    await app.db.commit(batch);
    await app.reloadRouting();
    const shop = uniqueId();
    await deliver(app, mail({ from: 'Olga <olga@example.com>', to: 'shop@help.test', subject: 'Broken mug', messageId: shop }), { to: ['shop@help.test'] });
    const n = (await ticketWith(app, shop)).number;
    const [ack] = await acks(app, n);
    // The token is kept even though the template leaves it out: it threads the answer.
    expect(ack!.subject).toBe(`[#${n}] We got it: Broken mug`);
    expect(ack!.text).toBe(`Dear Olga, ticket ${n} is with Shop. Keep [#${n}] in the subject.`);
    expect(ack!.from.email).toBe('shop@help.test');
    const quiet = uniqueId();
    await deliver(app, mail({ from: 'pete@example.com', to: 'quiet@help.test', subject: 'Hush', messageId: quiet }), { to: ['quiet@help.test'] });
    expect(await acks(app, (await ticketWith(app, quiet)).number)).toHaveLength(0);
  });
});

async function withSettings(app: TestApp, change: Partial<DeskSettings>, fn: () => Promise<void>): Promise<void> {
  const settings = await getSettings(app.db);
  await app.db.commit(putSettingsBatch(app, { ...settings, ...change }));
  try {
    await fn();
  } finally {
    await app.db.commit(putSettingsBatch(app, settings));
  }
}

function putSettingsBatch(app: TestApp, settings: DeskSettings): Batch {
  const batch = new Batch();
  putSettings(app.db, batch, settings);
  return batch;
}
