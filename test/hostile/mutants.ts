import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Seeded hostile mail: real corpus messages bent in the ways broken and malicious senders
// bend them. The same seed gives the same mutants, so a failure can be replayed.

export const corpusRoot = path.resolve(import.meta.dirname, '../../../shared/corpus');
export const corpusPresent = existsSync(path.join(corpusRoot, 'FILES.tsv'));

/** Every message of the shared corpus (empty when it is absent). */
export function corpusMessages(): Array<{ file: string; raw: Buffer }> {
  if (!corpusPresent) return [];
  return readFileSync(path.join(corpusRoot, 'FILES.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0]!)
    .filter((f) => f && f.endsWith('.eml'))
    .map((file) => ({ file, raw: readFileSync(path.join(corpusRoot, file)) }));
}

/** mulberry32: small, fast and seedable. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const at = (rnd: Rnd, n: number) => Math.floor(rnd() * (n + 1));
const latin1 = (b: Buffer) => b.toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'latin1');

/** The simple base used when the corpus is absent, and the seed of the synthetic shapes. */
export function plainMail(id: string): Buffer {
  return bytes(`From: Alice <alice@example.com>\r\nTo: support@support.test\r\nSubject: hostile ${id}\r\nMessage-ID: <${id}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n--b1\r\nContent-Type: application/octet-stream; name="a.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQF\r\n--b1--\r\n`);
}

/** A multipart nested `depth` levels deep (mailparser walks it part by part). */
function deepNesting(id: string, depth: number): Buffer {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n`;
    close = `\r\n--n${i}--\r\n` + close;
  }
  return bytes(`From: a@example.com\r\nTo: support@support.test\r\nSubject: deep ${depth}\r\nMessage-ID: <${id}@example.com>\r\nMIME-Version: 1.0\r\n${open}Content-Type: text/plain\r\n\r\nbottom${close}`);
}

export const MUTATIONS = {
  truncate: (raw: Buffer, rnd: Rnd) => raw.subarray(0, at(rnd, raw.length)),
  brokenBoundary(raw: Buffer, rnd: Rnd) {
    const text = latin1(raw);
    const b = /boundary="?([^";\r\n]+)"?/i.exec(text)?.[1];
    if (!b) return bytes(text.replace(/\r\n\r\n/, '\r\nContent-Type: multipart/mixed; boundary="missing"\r\n\r\n'));
    const how = pick(rnd, ['drop-close', 'rename-some', 'empty', 'nested-same']);
    if (how === 'drop-close') return bytes(text.split(`--${b}--`).join(''));
    if (how === 'empty') return bytes(text.replace(/boundary="?[^";\r\n]+"?/i, 'boundary=""'));
    if (how === 'nested-same') return bytes(text.replace(`--${b}\r\n`, `--${b}\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\n`));
    return bytes(text.split(`--${b}`).map((p, i) => (i && rnd() < 0.5 ? `-${p}` : p)).join(`--${b}`));
  },
  hugeHeader(raw: Buffer, rnd: Rnd) {
    const size = pick(rnd, [2_000, 10_000, 10_000, 100_000, 1_000_000].slice(0, rnd() < 0.9 ? 3 : 5));
    const header = rnd() < 0.5 ? `X-Huge: ${'a'.repeat(size)}\r\n` : Array.from({ length: size / 100 }, (_, i) => `X-Many-${i}: ${'b'.repeat(80)}\r\n`).join('');
    return Buffer.concat([bytes(header), raw]);
  },
  hugeAddressList: (raw: Buffer, rnd: Rnd) => Buffer.concat([bytes(`Cc: ${Array.from({ length: rnd() < 0.95 ? 300 : 5000 }, (_, i) => `u${i}@example.net`).join(', ')}\r\n`), raw]),
  deepNesting: (_raw: Buffer, rnd: Rnd, id: string) => deepNesting(id, rnd() < 0.95 ? pick(rnd, [5, 20, 50]) : pick(rnd, [500, 3000])),
  unknownCharset(raw: Buffer, rnd: Rnd) {
    const cs = pick(rnd, ['x-unknown-42', 'utf-7', 'iso-2022-xx', '"; drop', 'utf-16', '']);
    const text = latin1(raw).replace(/charset="?[^";\r\n]*"?/gi, `charset=${cs}`);
    return bytes(text.replace(/^Subject:/im, `Subject: =?${cs || 'x'}?B?${Buffer.from('héllo wörld').toString('base64')}?= `));
  },
  nulBytes(raw: Buffer, rnd: Rnd) {
    const out = Buffer.from(raw);
    for (let i = 0; i < 1 + at(rnd, 50); i++) out[at(rnd, out.length - 1)] = 0;
    return out;
  },
  bareLineEnds(raw: Buffer, rnd: Rnd) {
    const eol = pick(rnd, ['\r', '\n', '\r\r\n', '\n\r']);
    return bytes(latin1(raw).replace(/\r\n/g, () => (rnd() < 0.5 ? eol : '\r\n')));
  },
  eightBitHeaders(raw: Buffer, rnd: Rnd) {
    const junk = Buffer.from(Array.from({ length: 40 }, () => 0x80 + at(rnd, 0x7f)));
    const text = latin1(raw);
    const header = pick(rnd, ['Subject', 'From', 'To', 'Message-ID', 'Content-Type', 'In-Reply-To', 'X-Eight-Bit']);
    return bytes(`${header}: ${latin1(junk)} <${latin1(junk.subarray(0, 8))}@example.com>\r\n${text}`);
  },
  badEncoding(raw: Buffer, rnd: Rnd) {
    const cte = pick(rnd, ['base64', 'quoted-printable', 'x-uuencode', '8bit', 'bogus']);
    const text = latin1(raw).replace(/Content-Transfer-Encoding:[^\r\n]*/gi, `Content-Transfer-Encoding: ${cte}`);
    return bytes(text.replace(/\r\n\r\n/, `\r\n\r\n=ZZ==%%${'=\r\n'.repeat(at(rnd, 20))}`));
  },
  byteFlips(raw: Buffer, rnd: Rnd) {
    const out = Buffer.from(raw);
    for (let i = 0; i < 1 + at(rnd, 100); i++) out[at(rnd, out.length - 1)] = at(rnd, 255);
    return out;
  },
} as const;

export type MutationName = keyof typeof MUTATIONS;

/**
 * `count` mutants of the bases, each with a fresh Message-ID (when the base has one) so
 * that every mutant is a mail of its own rather than a duplicate of its base.
 */
export function* mutants(bases: Buffer[], count: number, seed: number): Generator<{ name: MutationName; id: string; raw: Buffer }> {
  const rnd = seeded(seed);
  const names = Object.keys(MUTATIONS) as MutationName[];
  for (let i = 0; i < count; i++) {
    const id = `m${seed}.${i}`;
    const base = bytes(latin1(pick(rnd, bases)).replace(/^Message-ID:[^\r\n]*/im, `Message-ID: <${id}@mutant.test>`));
    const name = names[i % names.length]!;
    yield { name, id, raw: (MUTATIONS[name] as (r: Buffer, n: Rnd, id: string) => Buffer)(base, rnd, id) };
  }
}
