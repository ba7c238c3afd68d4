import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { Batch } from '../../src/store/db.js';
import { getSettings, putSettings } from '../../src/store/directory.js';
import { waitFor, type Relay } from './relays.js';
import { appWithPlainRelay, closeAll, customerWrites, ticket } from './fixtures.js';

/** A delivery status notification as a remote MTA sends it (RFC 3464), quoting the headers it got. */
function dsn(to: string, original: string): string {
  const headers = original.split('\r\n\r\n')[0];
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString()}`,
    'Message-ID: <dsn.1@mx.customer.test>',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.test',
    '',
    'Final-Recipient: rfc822; alice@example.com',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <alice@example.com>: Recipient address rejected',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    headers,
    '--b1--',
    '',
  ].join('\r\n');
}

describe('VERP: a bounce for a reply marks that reply failed', () => {
  let app: TestApp;
  let relay: Relay;
  beforeAll(async () => {
    ({ app, relay } = await appWithPlainRelay());
    const batch = new Batch();
    putSettings(app.db, batch, { ...(await getSettings(app.db)), verpBounces: true });
    await app.db.commit(batch, true);
  });
  afterAll(() => closeAll(app, relay));

  it('sends with envelope sender bounce+<token>@<support domain>; the MX takes the bounce and the reply shows failed', async () => {
    const { number } = await customerWrites(app, { subject: 'Will bounce' });
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'To a mailbox that is gone' } }));
    const messageId = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId;
    const got = await waitFor(async () => relay.received.find((r) => r.raw.includes(messageId)), 'the reply at the relay');
    expect(got.mailFrom).toMatch(new RegExp(`^bounce\\+${id}-[0-9a-f]{16}@support\\.test$`));
    await waitFor(async () => (await ticket(app, number)).messages.find((m: any) => m.id === id).delivery.state === 'sent', 'sent');

    // A forged token is taken by the MX (it looks like ours) but fails nothing.
    const forged = got.mailFrom.replace(/-[0-9a-f]{16}@/, '-0000000000000000@');
    expect((await sendMail(app.smtpPort, { from: '', to: [forged], message: dsn(forged, got.raw) })).code).toBe(250);
    await app.ingestor.idle();
    expect((await ticket(app, number)).messages.find((m: any) => m.id === id).delivery.state).toBe('sent');

    expect((await sendMail(app.smtpPort, { from: '', to: [got.mailFrom], message: dsn(got.mailFrom, got.raw) })).code).toBe(250);
    const failed = await waitFor(async () => {
      const d = (await ticket(app, number)).messages.find((m: any) => m.id === id).delivery;
      return d.state === 'failed' && d;
    }, 'failed by the bounce');
    expect(failed.lastReply).toBe('Bounced after the relay accepted it: smtp; 550 5.1.1 <alice@example.com>: Recipient address rejected');
    // Ingest files the bounce on the same ticket through the quoted Message-ID.
    await app.ingestor.idle();
    expect((await ticket(app, number)).messages.some((m: any) => m.flags.includes('bounce'))).toBe(true);
  });
});
