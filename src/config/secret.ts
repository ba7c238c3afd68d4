import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';

/**
 * The key that encrypts relay passwords and signs tokens. It is kept outside the database
 * (MXDESK_SECRET_KEY, or data/secret.key with mode 0600), so that a copy of the database
 * alone reveals no relay password.
 */
export function loadSecret(dataDir: string, configured: string): Buffer {
  if (configured) return createHash('sha256').update(configured, 'utf8').digest();
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: not a 64-character hex key`);
    return Buffer.from(hex, 'hex');
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
