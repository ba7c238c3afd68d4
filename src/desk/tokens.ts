import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// The two ways a mail names its ticket: a token in the subject, readable by people, and a
// signed token in the Message-ID of every mail we send, which survives a customer's client
// dropping the subject token (RFC 5322 §3.6.4: replies carry it in In-Reply-To/References).

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function subjectToken(format: string, number: number): string {
  return format.replace('{number}', String(number));
}

/** The ticket number named in a subject by the configured token, e.g. "[#1001]". */
export function numberInSubject(format: string, subject: string): number | null {
  const [before, after] = format.split('{number}');
  const re = new RegExp(escapeRegExp(before ?? '') + '(\\d{1,9})' + escapeRegExp(after ?? ''));
  const m = re.exec(subject);
  return m ? Number(m[1]) : null;
}

/** Adds the token to a subject once, keeping "Re:" style prefixes readable. */
export function withSubjectToken(format: string, number: number, subject: string): string {
  if (numberInSubject(format, subject) === number) return subject;
  return `${subjectToken(format, number)} ${subject}`.trim();
}

const SIG_BYTES = 9; // 72 bits: forging a token by chance is out of reach.

function sign(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, SIG_BYTES).toString('base64url');
}

/** A Message-ID naming ticket `number`: <mxd.1001.<nonce>.<hmac>@domain>. */
export function ticketMessageId(secret: Buffer, number: number, domain: string): string {
  const nonce = randomBytes(6).toString('base64url');
  const payload = `${number}.${nonce}`;
  return `<mxd.${payload}.${sign(secret, payload)}@${domain}>`;
}

/** The ticket a Message-ID of ours names, if its signature is ours. */
export function numberInMessageId(secret: Buffer, messageId: string): number | null {
  const m = /^<?mxd\.(\d{1,9})\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{12})@[^>]+>?$/.exec(messageId.trim());
  if (!m) return null;
  const expected = Buffer.from(sign(secret, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? Number(m[1]) : null;
}
