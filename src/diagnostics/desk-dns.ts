import type { Db } from '../store/db.js';
import { listDomains } from '../store/directory.js';
import { listFromAddresses } from '../store/outbound.js';
import { listDkimKeys } from '../store/dkim.js';
import { dkimDnsRecord } from '../outbound/dkim.js';
import type { DnsCheckInput } from './dns-check.js';

/** What one support domain sends through and signs with, as the desk has it set up. */
export interface DeskDomain {
  domain: string;
  /** Relay hosts of the active From addresses in this domain. */
  relays: string[];
  /** Selectors of the enabled DKIM keys of this domain. */
  dkimSelectors: string[];
}

const domainOf = (address: string) => address.split('@')[1]?.toLowerCase() ?? '';

/**
 * The support domains with the desk's own From relays and DKIM keys, so the DNS check can
 * test that SPF authorises exactly the relays replies leave through (RFC 7208 §2.1, checked
 * against the MAIL FROM domain the relay is given) and that each key's selector is published.
 * Disabled From addresses and keys send nothing, so they are not asked for.
 */
export async function deskDnsInput(db: Db, hostname: string, only?: string): Promise<DnsCheckInput & { desk: DeskDomain[] }> {
  const [domains, froms, keys] = await Promise.all([listDomains(db), listFromAddresses(db), listDkimKeys(db)]);
  const wanted = domains.map((d) => d.toLowerCase()).filter((d) => !only || d === only.toLowerCase());
  const relays = [...new Map(froms.filter((f) => f.enabled).map((f) => [`${domainOf(f.address)} ${f.relay.host.toLowerCase()}`, { domain: domainOf(f.address), host: f.relay.host.toLowerCase() }])).values()];
  const dkim = keys.filter((k) => k.enabled).map((k) => ({ domain: k.domain.toLowerCase(), selector: k.selector, record: dkimDnsRecord(k).value }));
  return {
    hostname,
    domains: wanted,
    relays: relays.filter((r) => wanted.includes(r.domain)),
    dkim: dkim.filter((k) => wanted.includes(k.domain)),
    desk: wanted.map((domain) => ({
      domain,
      relays: relays.filter((r) => r.domain === domain).map((r) => r.host),
      dkimSelectors: dkim.filter((k) => k.domain === domain).map((k) => k.selector),
    })),
  };
}
