import type { SupportAddress } from '../desk/types.js';
import { isVerpLocalPart } from '../outbound/verp.js';

/** An SMTP refusal: the reply code and its text, which starts with the RFC 3463 enhanced code. */
export interface Refusal {
  code: number;
  message: string;
}

export type RecipientDecision = { accept: true; address: SupportAddress } | { accept: false; refusal: Refusal };

/**
 * Whom the MX accepts mail for (the RCPT stage): the support addresses and their aliases,
 * nothing else. Never a relay (RFC 5321 §3.6.2, §7.1): any other domain is refused
 * whatever the client's address.
 */
export function decideRecipient(
  rcpt: string,
  domains: ReadonlySet<string>,
  addresses: ReadonlyMap<string, SupportAddress>,
): RecipientDecision {
  const address = rcpt.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const domain = at > 0 ? address.slice(at + 1) : '';
  if (!domains.has(domain)) {
    return { accept: false, refusal: { code: 550, message: '5.7.1 Relaying denied: we only accept mail for our support addresses' } };
  }
  let found = addresses.get(address);
  // RFC 5321 §4.5.1: every domain must accept mail for "postmaster"; it goes to the default
  // address. So do bounces to the VERP envelope senders of our replies (src/outbound/verp.ts).
  if (!found && (address.slice(0, at) === 'postmaster' || isVerpLocalPart(address.slice(0, at)))) {
    found = [...addresses.values()].find((a) => a.isDefault && a.intake) ?? [...addresses.values()].find((a) => a.intake);
  }
  if (!found) {
    return { accept: false, refusal: { code: 550, message: `5.1.1 <${address}>: no such support address here` } };
  }
  if (!found.intake) {
    return { accept: false, refusal: { code: 550, message: `5.2.1 <${address}>: this address does not take mail at the moment` } };
  }
  return { accept: true, address: found };
}
