import { createHmac, timingSafeEqual } from 'node:crypto';

// Links that authorise by themselves (no login): the rating page, the help centre's form and
// the customer portal. A token carries what it names and when it expires, signed with the
// desk's secret under a purpose, so a token made for one page is worthless on another, and
// nobody can name a ticket or a customer they were not given.

/** 128 bits of HMAC-SHA256: forging a link by chance is out of reach. */
const SIG_BYTES = 16;
const SIG_CHARS = 22;
export const DAY = 86_400_000;

export type LinkPurpose = 'rating' | 'help-form' | 'portal';
export type LinkCheck = { ok: true; payload: string; expiresAt: number } | { ok: false; reason: 'invalid' | 'expired' };

const signature = (secret: Buffer, purpose: LinkPurpose, payload: string) =>
  createHmac('sha256', secret).update(`${purpose}:${payload}`).digest().subarray(0, SIG_BYTES).toString('base64url');

/** `<payload>.<expiresAt>.<signature>`; the payload is url-safe and has no dot. */
export function signLink(secret: Buffer, purpose: LinkPurpose, payload: string, expiresAt: number): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(payload)) throw new Error(`a signed link cannot carry "${payload}"`);
  const signed = `${payload}.${expiresAt}`;
  return `${signed}.${signature(secret, purpose, signed)}`;
}

export function checkLink(secret: Buffer, purpose: LinkPurpose, token: string, now: number): LinkCheck {
  const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!m || m[3]!.length !== SIG_CHARS) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(signature(secret, purpose, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (now >= Number(m[2])) return { ok: false, reason: 'expired' };
  return { ok: true, payload: m[1]!, expiresAt: Number(m[2]) };
}

export const linkExpiry = (now: number, days: number) => now + days * DAY;
