import { Resolver } from 'node:dns/promises';

/** The DNS lookup mailauth calls: like dns.promises.resolve(name, rrtype). */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/**
 * A resolver with a hard time limit per query. Past the limit the query fails with code
 * ETIMEOUT, which mailauth turns into a temperror verdict (RFC 7208 §2.6.6, RFC 7489 §6.6.3)
 * instead of holding the SMTP session open.
 */
export function createResolver(servers: string[], timeoutMs: number): DnsResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (servers.length) resolver.setServers(servers);
  return withTimeout((name, rrtype) => resolver.resolve(name, rrtype as any), timeoutMs);
}

export function withTimeout(resolve: DnsResolver, timeoutMs: number): DnsResolver {
  return (name, rrtype) =>
    new Promise((ok, fail) => {
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`DNS query ${rrtype} ${name} timed out after ${timeoutMs} ms`), { code: 'ETIMEOUT' });
        fail(err);
      }, timeoutMs);
      resolve(name, rrtype).then(
        (v) => {
          clearTimeout(timer);
          ok(v);
        },
        (e) => {
          clearTimeout(timer);
          fail(e);
        },
      );
    });
}

/**
 * A resolver that answers from fixed records, for tests and benchmarks (the only fake the
 * project allows). Records: { "example.com": { TXT: [["v=spf1 ip4:127.0.0.1 -all"]] } }.
 * Unknown names answer ENOTFOUND, as a real resolver would for a missing domain.
 */
export function fixedResolver(records: Record<string, Record<string, unknown[]>>): DnsResolver {
  return async (name, rrtype) => {
    const byType = records[name.toLowerCase().replace(/\.$/, '')];
    const answer = byType?.[rrtype.toUpperCase()];
    if (answer && answer.length) return answer;
    throw Object.assign(new Error(`${byType ? 'ENODATA' : 'ENOTFOUND'} ${name}`), { code: byType ? 'ENODATA' : 'ENOTFOUND' });
  };
}
