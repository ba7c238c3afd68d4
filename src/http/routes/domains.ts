import type { FastifyInstance } from 'fastify';
import { checkDns } from '../../diagnostics/dns-check.js';
import { deskDnsInput } from '../../diagnostics/desk-dns.js';
import type { DnsResolver } from '../../verdict/resolver.js';
import { requireDesk } from '../guard.js';
import { notFound } from '../errors.js';

// The DNS check in the panel: the same check as `mxdesk dns-check`, run on the desk's own
// From relays and DKIM keys, so the admin sees per record what passes and what to publish.

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' } } };
const error = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } };
const finding = {
  type: 'object',
  required: ['domain', 'check', 'state', 'detail'],
  properties: {
    domain: { type: 'string' },
    check: { type: 'string', enum: ['MX', 'SPF', 'DKIM', 'DMARC', 'PTR'] },
    state: { type: 'string', enum: ['ok', 'missing', 'wrong', 'unknown'] },
    detail: { type: 'string', description: 'One sentence for the admin.' },
    record: { type: 'string', description: 'The exact record to publish, when something is missing or wrong (a zone-file line).' },
    publish: {
      type: 'object',
      description: 'The same record as a DNS provider form asks for it.',
      properties: { name: { type: 'string' }, type: { type: 'string' }, value: { type: 'string', description: 'TXT values unquoted.' } },
    },
  },
};
const deskDomain = {
  type: 'object',
  properties: { domain: { type: 'string' }, relays: { type: 'array', items: { type: 'string' } }, dkimSelectors: { type: 'array', items: { type: 'string' } } },
};

export async function domainRoutes(app: FastifyInstance, deps: { hostname: string; resolver: DnsResolver }): Promise<void> {
  const { db } = app.deps;

  app.get('/domains', {
    schema: {
      description: 'The support domains (admin only), each with the relays its replies leave through and its DKIM selectors.',
      response: { 200: { type: 'object', properties: { hostname: { type: 'string' }, items: { type: 'array', items: deskDomain } } }, 403: error },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    return { hostname: deps.hostname, items: (await deskDnsInput(db, deps.hostname)).desk };
  });

  app.get('/domains/:domain/dns-check', {
    schema: {
      description: 'Looks up the DNS of one support domain (admin only): MX points here, SPF authorises the From relays, DKIM keys published, DMARC, PTR of this host; with the records to publish.',
      params: domainParams,
      response: {
        200: { type: 'object', properties: { domain: { type: 'string' }, hostname: { type: 'string' }, ok: { type: 'boolean' }, checkedAt: { type: 'string' }, findings: { type: 'array', items: finding } } },
        403: error,
        404: error,
      },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const domain = (req.params as { domain: string }).domain.toLowerCase();
    const input = await deskDnsInput(db, deps.hostname, domain);
    if (!input.domains.length) throw notFound(`The support domain ${domain}`);
    const findings = await checkDns(input, deps.resolver);
    return { domain, hostname: deps.hostname, ok: findings.every((f) => f.state === 'ok'), checkedAt: new Date(app.deps.now()).toISOString(), findings };
  });
}
