import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Relay passwords are stored sealed with AES-256-GCM under a key derived from the process
// secret (data/secret.key or MXDESK_SECRET_KEY, never in the database), so a copy of the
// database alone reveals no password. GCM also authenticates: a tampered value fails to open.

const VERSION = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs for GCM.

/** A key for one purpose only, so the signing secret and the sealing key never coincide (RFC 5869). */
function keyFor(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `mxdesk:${purpose}`, 32));
}

export function seal(secret: Buffer, clear: string, purpose = 'relay-password'): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  const data = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function unseal(secret: Buffer, sealed: string, purpose = 'relay-password'): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('sealed value: unknown format');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
