import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { DnsResolver } from './resolver.js';
import { SpfCache } from './spf-cache.js';
import type { VerdictSummary } from '../desk/types.js';

export interface VerdictInput {
  clientIp: string;
  helo: string;
  mailFrom: string;
  /** Our own name, written into Authentication-Results (RFC 8601 §2.2 authserv-id). */
  hostname: string;
}

export interface Verdict {
  summary: VerdictSummary;
  /** Authentication-Results, Received-SPF (and ARC-* when sealing) to prepend, CRLF-terminated. */
  headers: string;
}

/**
 * SPF (RFC 7208), every DKIM signature (RFC 6376), DMARC (RFC 7489) and ARC (RFC 8617)
 * for one message. DNS trouble comes back as temperror results, never as an exception.
 */
export async function verdictOf(raw: Buffer, input: VerdictInput, resolver: DnsResolver): Promise<Verdict> {
  try {
    const res = await authenticate(raw, input, resolver);
    return { summary: summarise(res), headers: res.headers };
  } catch (err) {
    // mailauth throws only on input it cannot read at all; the mail is still ours to keep.
    const info = `mailauth: ${(err as Error).message}`;
    return {
      summary: {
        spf: { result: 'temperror', info },
        dkim: [],
        dmarc: { result: 'temperror', info },
        arc: { result: 'temperror', info },
      },
      headers: `Authentication-Results: ${input.hostname}; none (verification error)\r\n`,
    };
  }
}

/**
 * The folding mailauth's own authenticate() applies to each Authentication-Results row: its
 * copy of libmime, so the header we write is the one it would have written.
 */
type FoldLines = (s: string, width: number) => string;

/**
 * mailauth (and its libmime) loaded at first use, not at start: the mail libraries were a
 * third of the start-up's CPU profile, and the desk answers the panel without them (app.ts
 * preloads them once it listens).
 */
let mailauth: Promise<typeof import('mailauth') & { foldLines: FoldLines }> | undefined;
const loadMailauth = () =>
  (mailauth ??= import('mailauth').then((m) => ({
    ...m,
    foldLines: (createRequire(createRequire(import.meta.url).resolve('mailauth'))('libmime') as { foldLines: FoldLines }).foldLines,
  })));

/** SPF results per DNS view (a resolver), so that two apps in one process never share one. */
const spfCaches = new WeakMap<DnsResolver, SpfCache<any>>();

/**
 * mailauth's authenticate() (lib/mailauth.js) for our case — the client's IP, HELO and MAIL
 * FROM given by the session, no ARC sealing, no BIMI — with the SPF step answered from a
 * short cache (see SpfCache). DKIM, ARC and DMARC are judged for every message: they depend
 * on its headers and body.
 */
async function authenticate(raw: Buffer, input: VerdictInput, resolver: DnsResolver): Promise<any> {
  const { arc, dkimVerify, dmarc, spf, foldLines } = await loadMailauth();
  const dkimResult: any = await dkimVerify(raw, { resolver: resolver as any, sender: input.mailFrom } as any);
  // As authenticate() does: a missing HELO is the IP, and an IP HELO takes the bracket syntax.
  let helo = input.helo || input.clientIp;
  if (helo && isIP(helo)) helo = `[${helo}]`;
  let cache = spfCaches.get(resolver);
  if (!cache) spfCaches.set(resolver, (cache = new SpfCache()));
  const key = SpfCache.key(input.clientIp, input.mailFrom, helo) + `\n${input.hostname}`;
  let spfResult: any = cache.get(key);
  if (!spfResult) {
    spfResult = await spf({ ip: input.clientIp, helo, sender: input.mailFrom, mta: input.hostname, resolver: resolver as any } as any);
    if (spfResult.status?.result !== 'temperror') cache.set(key, spfResult);
  }
  const arcResult: any = await arc(dkimResult.arc, { resolver: resolver as any } as any);

  const arHeader: string[] = [];
  for (const row of dkimResult.results ?? []) arHeader.push(foldLines(row.info, 160));
  arHeader.push(foldLines(spfResult.info, 160));
  if (arcResult?.info) arHeader.push(foldLines(arcResult.info, 160));
  let dmarcResult: any = false;
  if (dkimResult.headerFrom) {
    dmarcResult = await dmarc({
      headerFrom: dkimResult.headerFrom,
      spfDomains: spfResult.status.result === 'pass' && spfResult.domain ? [spfResult.domain] : [],
      dkimDomains: (dkimResult.results ?? [])
        .filter((r: any) => r.status.result === 'pass')
        .map((r: any) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized })),
      arcResult,
      resolver: resolver as any,
    } as any);
    if (dmarcResult && dmarcResult.info) arHeader.push(foldLines(dmarcResult.info, 160));
  }
  const headers = [spfResult.header, `Authentication-Results: ${input.hostname};\r\n ` + arHeader.join(';\r\n ')];
  return { dkim: dkimResult, spf: spfResult, dmarc: dmarcResult, arc: arcResult || false, headers: headers.join('\r\n') + '\r\n' };
}

function summarise(res: any): VerdictSummary {
  const spf = res.spf || {};
  const dmarc = res.dmarc || {};
  return {
    spf: { result: spf.status?.result ?? 'none', domain: spf.domain, info: spf.info },
    dkim: (res.dkim?.results ?? []).map((r: any) => ({
      result: r.status?.result ?? 'none',
      domain: r.signingDomain,
      selector: r.selector,
      aligned: Boolean(r.status?.aligned),
      info: r.info,
    })),
    dmarc: { result: dmarc.status?.result ?? 'none', policy: dmarc.policy, domain: dmarc.domain, info: dmarc.info },
    arc: { result: res.arc?.status?.result ?? 'none', info: res.arc?.info },
  };
}

export type DmarcAction = 'reject' | 'quarantine' | 'accept';

/**
 * What to do with a message. RFC 7489 §6.6.2 leaves the final word to the receiver; the
 * configured action applies only when DMARC failed and the domain asks for p=reject.
 */
export function dmarcAction(summary: VerdictSummary, configured: DmarcAction): DmarcAction {
  if (summary.dmarc.result === 'fail' && summary.dmarc.policy === 'reject') return configured;
  return 'accept';
}
