import { loadSecret } from '../config/secret.js';
import { checkDns, formatFindings, type DnsFinding } from '../diagnostics/dns-check.js';
import { deskDnsInput } from '../diagnostics/desk-dns.js';
import { createResolver } from '../verdict/resolver.js';
import { listFromAddresses } from '../store/outbound.js';
import { unseal } from '../outbound/secret-box.js';
import { testRelay, type RelayTestResult } from '../outbound/relay-test.js';
import type { FromAddress } from '../outbound/from-address.js';
import { err, onStoreOrApi, out, REMOTE_HELP, REMOTE_OPTIONS, UsageError, type Command } from './command.js';

/** The From address asked for (by address or id), else the default one, else the first enabled. */
function pick(all: FromAddress[], wanted: string | undefined): FromAddress {
  const enabled = all.filter((f) => f.enabled);
  const from = wanted ? enabled.find((f) => f.id === wanted || f.address === wanted.toLowerCase()) : (enabled.find((f) => f.isDefault) ?? enabled[0]);
  if (!from) throw new Error(wanted ? `${wanted} is not an active From address` : 'no active From address is set up yet (panel: Settings → From addresses)');
  return from;
}

export const checkCommands: Record<string, Command> = {
  'dns-check': {
    usage: 'mxdesk dns-check [--url U --token T]',
    help: `Checks the DNS of every support domain: MX points here, SPF authorises the relays of the From addresses, their DKIM keys are published, DMARC, and the PTR of this host; prints the exact records to add. Exit code 1 when something is missing or wrong. ${REMOTE_HELP} Without either, a running mxdesk's domains are checked from the configuration only (no relays, no DKIM keys).`,
    options: REMOTE_OPTIONS,
    async run(_args, opts) {
      const findings = await onStoreOrApi<DnsFinding[]>(
        opts,
        async (db, config) => checkDns(await deskDnsInput(db, config.hostname), createResolver(config.dns.servers, config.dns.timeoutMs)),
        async (api) => {
          const { items } = await api.json<{ items: Array<{ domain: string }> }>('/api/v1/domains');
          const all: DnsFinding[] = [];
          for (const { domain } of items) all.push(...(await api.json<{ findings: DnsFinding[] }>(`/api/v1/domains/${encodeURIComponent(domain)}/dns-check`)).findings);
          // The PTR of this host comes once per domain from the API; print it once.
          return all.filter((f, i) => f.check !== 'PTR' || all.findIndex((g) => g.check === 'PTR') === i);
        },
        async (config) => {
          err('mxdesk: the store is in use by a running mxdesk: checking the configured domains without its From relays and DKIM keys (give --url and --token for the full check).\n');
          return checkDns({ hostname: config.hostname, domains: config.domains, relays: [], dkim: [] }, createResolver(config.dns.servers, config.dns.timeoutMs));
        },
      );
      out(formatFindings(findings));
      if (findings.some((f) => f.state !== 'ok')) throw new Error('some records are missing or wrong (see above)');
    },
  },
  'send-test': {
    usage: 'mxdesk send-test <to> [--from ADDRESS] [--url U --token T]',
    help: `Sends a short test mail to <to> through the relay of a From address (default: the default one), proving connection, TLS, login and acceptance. Exit code 1 with the relay's answer when it fails. Through the API (${REMOTE_HELP}) the mail goes to the token's own user, so <to> must be that address.`,
    options: { from: { type: 'string' }, ...REMOTE_OPTIONS },
    async run([to], opts) {
      if (!to || !/^[^\s@]+@[^\s@]+$/.test(to)) throw new UsageError('send-test needs the address to send to');
      const result = await onStoreOrApi<RelayTestResult>(
        opts,
        async (db, config) => {
          const from = pick(await listFromAddresses(db), opts.from as string | undefined);
          const password = from.passwordSealed ? unseal(loadSecret(config.dataDir, config.secretKey), from.passwordSealed) : undefined;
          return testRelay(from, password, { hostname: config.hostname, timeoutMs: config.outbound.timeoutMs, sendTo: to });
        },
        async (api) => {
          const me = await api.json<{ user: { email: string } }>('/api/v1/auth/me');
          if (me.user.email !== to.toLowerCase()) throw new UsageError(`through the API the test mail goes to the token's user, ${me.user.email}`);
          const from = pick(await api.json<{ items: FromAddress[] }>('/api/v1/from-addresses').then((r) => r.items), opts.from as string | undefined);
          return api.json<RelayTestResult>(`/api/v1/from-addresses/${from.id}/test`, { method: 'POST', json: { sendTestMail: true } });
        },
      );
      out(result.message);
      if (!result.ok) throw new Error('the test mail was not sent');
    },
  },
};
