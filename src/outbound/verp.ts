import { createHmac, timingSafeEqual } from 'node:crypto';

// VERP (Variable Envelope Return Path): the envelope sender of each mail we send names that
// mail, bounce+<item id>-<signature>@<support domain>, so a bounce — which goes to the
// envelope sender (RFC 5321 §4.5.5, RFC 3464) — tells exactly which reply failed, whatever
// the remote server quotes of it. The signature keeps strangers from failing our replies.
// Lower-case letters and digits only: some servers fold the case of local parts.

const LOCAL = /^bounce\+([0-9a-z]{20})-([0-9a-f]{16})$/;

function signature(secret: Buffer, itemId: string): string {
  return createHmac('sha256', secret).update(`verp:${itemId}`).digest('hex').slice(0, 16);
}

export function verpAddress(secret: Buffer, itemId: string, domain: string): string {
  return `bounce+${itemId}-${signature(secret, itemId)}@${domain}`;
}

/** True for a local part shaped like ours; the MX accepts it, the signature is checked later. */
export function isVerpLocalPart(local: string): boolean {
  return LOCAL.test(local.toLowerCase());
}

/** The outbound item a VERP address names, when its signature is ours. */
export function itemOfVerp(secret: Buffer, address: string): string | null {
  const at = address.lastIndexOf('@');
  const m = LOCAL.exec(address.slice(0, at).toLowerCase());
  if (!m) return null;
  const expected = Buffer.from(signature(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1]! : null;
}
