import { randomBytes } from 'node:crypto';

// Time-sortable ids: 10 base-32 characters of milliseconds, 4 of a per-process counter,
// 6 random. Sorting ids sorts records by creation, which the key layout relies on for
// "messages of a ticket in order".
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastMs = 0;
let counter = 0;

function base32(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = ALPHABET[n % 32] + s;
    n = Math.floor(n / 32);
  }
  return s;
}

/**
 * Random bytes drawn 4 KiB at a time: one randomBytes() call per id was a visible cost of
 * ingest (several ids per mail; each call a trip into OpenSSL for four bytes).
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

function random32(): number {
  if (poolAt + 4 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const n = pool.readUInt32BE(poolAt);
  poolAt += 4;
  return n;
}

export function newId(now = Date.now()): string {
  if (now <= lastMs) {
    now = lastMs;
    counter++;
  } else {
    lastMs = now;
    counter = 0;
  }
  const rand = random32();
  return base32(now, 10) + base32(counter, 4) + base32(rand, 6);
}

/** A random token for sessions and links: 32 bytes, url-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
