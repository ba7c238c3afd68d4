import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { checkSubmission, portalMessages, slugify } from '../../src/desk/help-centre.js';
import { browserLanguage, helpWords } from '../../src/desk/help-centre-words.js';
import { checkLink, signLink } from '../../src/desk/signed-links.js';
import { checkRatingToken, ratingToken } from '../../src/desk/ratings.js';
import { addressKey } from '../../src/http/throttle.js';
import type { CustomFieldDefinition } from '../../src/desk/custom-fields.js';
import type { Message, MessageFlag } from '../../src/desk/types.js';

// The pure rules of the help centre: what a submission must hold, which messages a customer
// sees, and links that are only good for the page they were signed for.

const fields: CustomFieldDefinition[] = [
  { key: 'plan', label: 'Plan', type: 'select', options: ['Basic', 'Pro'], public: true },
  { key: 'seats', label: 'Seats', type: 'number', public: true },
  { key: 'urgent', label: 'Urgent', type: 'checkbox', public: true },
];
const good = { name: 'Rosa', email: 'Rosa@Customer.TEST', subject: 'Help', description: 'Text' };

describe('help centre submissions', () => {
  it('keeps name and subject on one line (they become mail headers) and lower-cases the address', () => {
    const r = checkSubmission({ ...good, name: 'Rosa\r\nBcc: victim@example.com', subject: 'Hi\nX-Evil: 1' }, []);
    expect(r).toEqual({ ok: true, submission: { name: 'Rosa Bcc: victim@example.com', email: 'rosa@customer.test', subject: 'Hi X-Evil: 1', description: 'Text', customFields: {} } });
  });

  it('says what is wrong with each field', () => {
    const r = checkSubmission({ name: '', email: 'rosa@', subject: 'x'.repeat(201), description: '  ', cf_plan: 'Gold', cf_seats: 'many' }, fields);
    expect(r.ok).toBe(false);
    expect(Object.keys((r as any).errors).sort()).toEqual(['cf_plan', 'cf_seats', 'description', 'email', 'name', 'subject']);
  });

  it('says it in the department\'s language, custom fields included', () => {
    const r = checkSubmission({ ...good, name: '', cf_plan: 'Gold', cf_seats: 'many' }, fields, helpWords('es'));
    expect(r.ok === false && r.errors).toEqual({
      name: 'Indíquenos su nombre.',
      cf_plan: 'Plan admite uno de estos valores: Basic, Pro.',
      cf_seats: 'Seats admite un número.',
    });
  });

  it('picks the browser\'s preferred language among those we have, by weight, else English', () => {
    expect(browserLanguage('fr-CH, fr;q=0.9, es;q=0.8, en;q=0.7')).toBe('es');
    expect(browserLanguage('en;q=0.5, es-AR')).toBe('es');
    expect(browserLanguage('es;q=0, en-GB')).toBe('en');
    expect(browserLanguage('de')).toBe('en');
    expect(browserLanguage(undefined)).toBe('en');
  });

  it('reads public custom fields by type and leaves out those left empty', () => {
    const r = checkSubmission({ ...good, cf_plan: 'Pro', cf_seats: '12', cf_urgent: 'on', cf_other: 'ignored' }, fields);
    expect(r.ok && r.submission.customFields).toEqual({ plan: 'Pro', seats: 12, urgent: true });
    const empty = checkSubmission({ ...good, cf_plan: '', cf_seats: ' ' }, fields);
    expect(empty.ok && empty.submission.customFields).toEqual({});
  });

  it('makes page addresses out of department names', () => {
    expect(slugify('Sales & Billing')).toBe('sales-billing');
    expect(slugify('Atención al cliente')).toBe('atencion-al-cliente');
    expect(slugify('###')).toBe('help');
  });

  it('shows the customer their thread without forwards, private mails, bounces or system mail', () => {
    const m = (flags: MessageFlag[]) => ({ id: flags.join() || 'plain', flags }) as unknown as Message;
    const shown = portalMessages([m([]), m(['acknowledgement']), m(['forward', 'private']), m(['private']), m(['bounce']), m(['system']), m(['web-form'])]);
    expect(shown.map((x) => x.id)).toEqual(['plain', 'acknowledgement', 'web-form']);
  });
});

describe('signed links', () => {
  const secret = randomBytes(32);
  const now = Date.UTC(2026, 0, 1);

  it('are good for their own purpose only, until they expire', () => {
    const portal = signLink(secret, 'portal', '01abc', now + 1000);
    expect(checkLink(secret, 'portal', portal, now)).toEqual({ ok: true, payload: '01abc', expiresAt: now + 1000 });
    expect(checkLink(secret, 'help-form', portal, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkLink(randomBytes(32), 'portal', portal, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkLink(secret, 'portal', portal, now + 1000)).toEqual({ ok: false, reason: 'expired' });
    // A rating link for ticket 1001 opens no portal, and a portal link rates nothing.
    const rating = ratingToken(secret, 1001, now + 1000);
    expect(checkLink(secret, 'portal', rating, now).ok).toBe(false);
    expect(checkRatingToken(secret, rating, now)).toEqual({ ok: true, ticketNumber: 1001 });
    expect(checkRatingToken(secret, signLink(secret, 'rating', 'abc', now + 1000), now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuse to carry what would break the format', () => {
    expect(() => signLink(secret, 'portal', 'a.b', now)).toThrow();
    expect(() => signLink(secret, 'portal', '', now)).toThrow();
  });
});

describe('the per-IP limit', () => {
  it('counts IPv4 addresses one by one and IPv6 addresses by their /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:a:b:1:2:3:4')).toBe('2001:db8:a:b::/64');
    expect(addressKey('2001:db8:a:b::99')).toBe('2001:db8:a:b::/64');
    expect(addressKey('2001:0db8:000a:000b:ffff::1')).toBe('2001:db8:a:b::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
