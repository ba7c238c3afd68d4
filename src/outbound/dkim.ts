import { generateKeyPairSync } from 'node:crypto';
import type { Db } from '../store/db.js';
import { getDkimKey } from '../store/dkim.js';
import { unseal } from './secret-box.js';
import type { OutboundItem } from './item.js';

// Optional DKIM signing (RFC 6376) of what we send, per From domain: mxdesk makes the key,
// the admin publishes the public half at <selector>._domainkey.<domain>.

export interface DkimKey {
  domain: string;
  selector: string;
  /** PEM, sealed with the process secret (secret-box.ts, purpose 'dkim-key'). */
  privateKeySealed: string;
  /** Base64 DER SubjectPublicKeyInfo: the p= tag (RFC 6376 §3.6.1). */
  publicKey: string;
  enabled: boolean;
  createdAt: number;
}

export const DKIM_PURPOSE = 'dkim-key';

/** RSA 2048: what RFC 8301 §3.2 asks verifiers to support, and what every DNS host stores. */
export function generateDkimKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey: publicKey.toString('base64') };
}

/** The TXT record to publish. Longer than 255 bytes, it goes in several strings of one record (RFC 7208 §3.3 style). */
export function dkimDnsRecord(key: Pick<DkimKey, 'domain' | 'selector' | 'publicKey'>) {
  return { name: `${key.selector}._domainkey.${key.domain}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${key.publicKey}` };
}

/** Signs a composed mail with its From domain's key, when one is set up and enabled. */
export function dkimSigner(db: Db, secret: Buffer) {
  return async (raw: Buffer, item: OutboundItem): Promise<Buffer> => {
    const domain = item.from.email.split('@')[1]?.toLowerCase() ?? '';
    const key = await getDkimKey(db, domain);
    if (!key || !key.enabled) return raw;
    // Loaded at first use, not at start (see verdict/authenticate.ts).
    const { dkimSign } = await import('mailauth');
    const signed = await dkimSign(raw, {
      canonicalization: 'relaxed/relaxed',
      algorithm: 'rsa-sha256',
      signatureData: [{ signingDomain: domain, selector: key.selector, privateKey: unseal(secret, key.privateKeySealed, DKIM_PURPOSE) }],
    } as any);
    if (signed.errors?.length) throw new Error(`DKIM signing failed: ${String((signed.errors[0] as any)?.message ?? signed.errors[0])}`);
    return Buffer.concat([Buffer.from(signed.signatures), raw]);
  };
}
