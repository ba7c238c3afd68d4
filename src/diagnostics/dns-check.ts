import type { DnsResolver } from '../verdict/resolver.js';

export type CheckState = 'ok' | 'missing' | 'wrong' | 'unknown';

export interface DnsFinding {
  domain: string;
  check: 'MX' | 'SPF' | 'DKIM' | 'DMARC' | 'PTR';
  state: CheckState;
  /** One sentence for the admin. */
  detail: string;
  /** The exact record to publish when something is missing or wrong, as a zone-file line. */
  record?: string;
  /** The same record as a DNS provider's form asks for it: name, type, value (TXT unquoted). */
  publish?: { name: string; type: string; value: string };
}

export interface DnsCheckInput {
  /** This MX's public name (MXDESK_HOSTNAME). */
  hostname: string;
  domains: string[];
  /** Relays replies leave through, per support domain (From addresses' relays). */
  relays: Array<{ domain: string; host: string }>;
  /** DKIM keys mxdesk signs with, and the TXT record each needs. */
  dkim: Array<{ domain: string; selector: string; record: string }>;
}

/**
 * A TXT value as a zone file writes it: quoted strings of at most 255 characters each (RFC
 * 1035 §3.3: a character-string's length is one byte), which resolvers and verifiers join
 * back (RFC 7208 §3.3, RFC 6376 §3.6.2.2). A 2048-bit DKIM key needs two.
 */
export function txtZoneValue(text: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 255) chunks.push(`"${text.slice(i, i + 255)}"`);
  return chunks.join(' ') || '""';
}

/** TXT strings of a name, each record's chunks joined (RFC 7208 §3.3); none when it has none. */
async function txtRecords(resolver: DnsResolver, name: string): Promise<string[]> {
  const r = await lookup(resolver, name, 'TXT');
  return r.ok ? r.records.map((x) => (Array.isArray(x) ? x.join('') : String(x))) : [];
}

async function lookup(resolver: DnsResolver, name: string, type: string): Promise<{ ok: true; records: unknown[] } | { ok: false; missing: boolean; error: string }> {
  try {
    return { ok: true, records: (await resolver(name, type)) as unknown[] };
  } catch (err) {
    const code = (err as any)?.code;
    return { ok: false, missing: code === 'ENOTFOUND' || code === 'ENODATA', error: `${code ?? ''} ${(err as Error).message}`.trim() };
  }
}

/**
 * What a support domain needs in DNS for mail to reach this MX and for replies to be
 * trusted: MX → us (RFC 5321 §5.1), SPF authorising the relays (RFC 7208), DKIM keys
 * published (RFC 6376 §3.6.2), a DMARC policy (RFC 7489 §6.1), and a PTR for our address
 * that names us back (forward-confirmed reverse DNS, which receivers check).
 */
export async function checkDns(input: DnsCheckInput, resolver: DnsResolver): Promise<DnsFinding[]> {
  const findings: DnsFinding[] = [];
  const host = input.hostname.toLowerCase();
  for (const domain of input.domains) {
    const mx = await lookup(resolver, domain, 'MX');
    const exchanges = mx.ok ? (mx.records as Array<{ exchange: string }>).map((r) => r.exchange.toLowerCase().replace(/\.$/, '')) : [];
    const mxRecord = `${domain}. IN MX 10 ${host}.`;
    if (!mx.ok && !mx.missing) findings.push({ domain, check: 'MX', state: 'unknown', detail: `could not look up the MX records: ${mx.error}` });
    else if (exchanges.includes(host)) findings.push({ domain, check: 'MX', state: 'ok', detail: `MX points to ${host}` });
    else if (exchanges.length) findings.push({ domain, check: 'MX', state: 'wrong', detail: `MX points to ${exchanges.join(', ')}, not to ${host}`, record: mxRecord });
    else findings.push({ domain, check: 'MX', state: 'missing', detail: 'no MX record', record: mxRecord });

    const spfRecords = (await txtRecords(resolver, domain)).filter((t) => /^v=spf1\b/i.test(t));
    const relays = input.relays.filter((r) => r.domain === domain);
    if (spfRecords.length === 0) {
      findings.push({ domain, check: 'SPF', state: 'missing', detail: 'no SPF record', record: `${domain}. IN TXT ${txtZoneValue(`v=spf1 ${[...new Set(relays.map((r) => spfMechanismFor(r.host)))].join(' ') || 'mx'} ~all`)}` });
    } else if (spfRecords.length > 1) {
      findings.push({ domain, check: 'SPF', state: 'wrong', detail: 'more than one SPF record: receivers treat that as permerror (RFC 7208 §4.5)' });
    } else {
      const failing: string[] = [];
      const missingHosts: string[] = [];
      for (const relay of relays) {
        const a = await lookup(resolver, relay.host, 'A');
        const ip = a.ok ? String(a.records[0]) : null;
        if (!ip) {
          failing.push(`${relay.host} (does not resolve)`);
          missingHosts.push(relay.host);
          continue;
        }
        // The full evaluation (include:, ip4:, a:, redirect=, …) as a receiver would run it
        // for mail the relay hands on with our domain in MAIL FROM.
        // Loaded at first use, not at start (see verdict/authenticate.ts).
        const { spf } = await import('mailauth/lib/spf/index.js');
        const result: any = await spf({ sender: `postmaster@${domain}`, ip, helo: relay.host, mta: host, resolver: resolver as any });
        if (result?.status?.result !== 'pass') {
          failing.push(`${relay.host} [${ip}] → ${result?.status?.result ?? '?'}`);
          missingHosts.push(relay.host);
        }
      }
      findings.push(failing.length
        ? { domain, check: 'SPF', state: 'wrong', detail: `the SPF record does not authorise: ${failing.join('; ')}`, record: `${domain}. IN TXT ${txtZoneValue(withMechanisms(spfRecords[0]!, [...new Set(missingHosts.map(spfMechanismFor))]))}` }
        : { domain, check: 'SPF', state: 'ok', detail: relays.length ? `SPF authorises ${relays.map((r) => r.host).join(', ')}` : `SPF record present: ${spfRecords[0]}` });
    }

    for (const key of input.dkim.filter((k) => k.domain === domain)) {
      const name = `${key.selector}._domainkey.${domain}`;
      const published = await txtRecords(resolver, name);
      const want = /p=([A-Za-z0-9+/=]+)/.exec(key.record)?.[1];
      const have = published.map((t) => /p=([A-Za-z0-9+/=]+)/.exec(t.replace(/\s+/g, ''))?.[1]);
      findings.push(have.includes(want)
        ? { domain, check: 'DKIM', state: 'ok', detail: `DKIM key ${key.selector} is published` }
        : { domain, check: 'DKIM', state: published.length ? 'wrong' : 'missing', detail: published.length ? `${name} holds another key` : `${name} is not published`, record: `${name}. IN TXT ${txtZoneValue(key.record)}` });
    }

    const dmarc = (await txtRecords(resolver, `_dmarc.${domain}`)).filter((t) => /^v=DMARC1\b/i.test(t));
    findings.push(dmarc.length
      ? { domain, check: 'DMARC', state: 'ok', detail: `DMARC policy: ${/\bp=(\w+)/i.exec(dmarc[0]!)?.[1] ?? '?'}` }
      : { domain, check: 'DMARC', state: 'missing', detail: 'no DMARC record: receivers cannot tell forged mail from yours', record: `_dmarc.${domain}. IN TXT "v=DMARC1; p=quarantine; adkim=r; aspf=r"` });
  }

  const a = await lookup(resolver, host, 'A');
  if (!a.ok) {
    findings.push({ domain: host, check: 'PTR', state: 'missing', detail: `${host} has no A record, so nothing can reach this MX`, record: `${host}. IN A <this server's public IPv4>` });
  } else {
    const ip = String(a.records[0]);
    const reverse = ip.split('.').reverse().join('.') + '.in-addr.arpa';
    const ptr = await lookup(resolver, reverse, 'PTR');
    const names = ptr.ok ? ptr.records.map((n) => String(n).toLowerCase().replace(/\.$/, '')) : [];
    findings.push(names.includes(host)
      ? { domain: host, check: 'PTR', state: 'ok', detail: `${ip} points back to ${host}` }
      : { domain: host, check: 'PTR', state: names.length ? 'wrong' : 'missing', detail: names.length ? `${ip} points back to ${names.join(', ')}, not ${host}` : `${ip} has no PTR record`, record: `${reverse}. IN PTR ${host}.  (set by your VPS provider)` });
  }
  return findings.map((f) => (f.record ? { ...f, publish: publishOf(f.record) } : f));
}

/** Splits one of the zone lines above ("name. IN TYPE value", a note after two spaces) into its fields. */
function publishOf(record: string): DnsFinding['publish'] {
  const m = /^(\S+?)\.? IN (\w+) (.*?)(?: {2}\(.*\))?$/.exec(record);
  if (!m) return undefined;
  const [, name, type, value] = m as unknown as [string, string, string, string];
  // A provider's form takes a TXT value whole: the zone line's quoted strings joined.
  return { name, type, value: type === 'TXT' ? [...value.matchAll(/"([^"]*)"/g)].map((q) => q[1]).join('') : value };
}

/**
 * Relays of the big providers send from many addresses that their submission host's A record
 * does not cover; each documents one include: for its customers' SPF records.
 */
const PROVIDER_SPF: Array<[RegExp, string]> = [
  [/(^|\.)(smtp|smtp-relay)\.gmail\.com$|(^|\.)googlemail\.com$/, 'include:_spf.google.com'],
  [/(^|\.)(office365\.com|outlook\.com)$/, 'include:spf.protection.outlook.com'],
  [/(^|\.)sendgrid\.net$/, 'include:sendgrid.net'],
  [/(^|\.)mailgun\.org$/, 'include:mailgun.org'],
  [/^email-smtp\.[a-z0-9-]+\.amazonaws\.com$/, 'include:amazonses.com'],
  [/(^|\.)zoho\.eu$/, 'include:zoho.eu'],
  [/(^|\.)zoho\.com$/, 'include:zoho.com'],
  [/(^|\.)fastmail\.com$/, 'include:spf.messagingengine.com'],
  [/(^|\.)postmarkapp\.com$/, 'include:spf.mtasv.net'],
];

/** The SPF mechanism that authorises a relay: its provider's include:, else the relay's own A record. */
export function spfMechanismFor(relayHost: string): string {
  const host = relayHost.toLowerCase().replace(/\.$/, '');
  return PROVIDER_SPF.find(([re]) => re.test(host))?.[1] ?? `a:${host}`;
}

/**
 * The published SPF record with mechanisms added before its final "all" (or "redirect="),
 * since terms after "all" are never evaluated (RFC 7208 §5.1, §6.1): one record to paste
 * over the old one, never a second record (§3.2 forbids two).
 */
export function withMechanisms(record: string, mechanisms: string[]): string {
  const terms = record.trim().split(/\s+/);
  const end = terms.findIndex((t) => /^[+\-~?]?all$/i.test(t) || /^redirect=/i.test(t));
  terms.splice(end === -1 ? terms.length : end, 0, ...mechanisms.filter((m) => !terms.includes(m)));
  return terms.join(' ');
}

export function formatFindings(findings: DnsFinding[]): string {
  const mark: Record<CheckState, string> = { ok: 'ok     ', missing: 'MISSING', wrong: 'WRONG  ', unknown: '?      ' };
  const lines = findings.map((f) => `${mark[f.state]} ${f.check.padEnd(5)} ${f.domain}: ${f.detail}${f.record ? `\n          add: ${f.record}` : ''}`);
  return lines.join('\n');
}
