import type { DnsResolver } from './resolver.js';
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
    // Loaded at first use, not at start: the mail libraries were a third of the start-up's
    // CPU profile, and the desk answers the panel without them (app.ts preloads them after).
    const { authenticate } = await import('mailauth');
    const res: any = await authenticate(raw, {
      ip: input.clientIp,
      helo: input.helo,
      sender: input.mailFrom,
      mta: input.hostname,
      resolver: resolver as any,
      disableBimi: true,
    });
    return { summary: summarise(res), headers: res.headers ?? '' };
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
