import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Batch } from '../../store/db.js';
import { delDkimKey, getDkimKey, listDkimKeys, putDkimKey } from '../../store/dkim.js';
import { DKIM_PURPOSE, dkimDnsRecord, generateDkimKeyPair, type DkimKey } from '../../outbound/dkim.js';
import { seal } from '../../outbound/secret-box.js';
import { ApiError, forbidden, notFound } from '../errors.js';

const view = (k: DkimKey) => ({ domain: k.domain, selector: k.selector, enabled: k.enabled, createdAt: k.createdAt, dnsRecord: dkimDnsRecord(k) });
const domainParams = { type: 'object', properties: { domain: { type: 'string', maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' } }, required: ['domain'] };

function requireAdmin(req: FastifyRequest): void {
  if (req.user?.role !== 'admin') throw forbidden('Only an admin manages DKIM keys.');
}

/** Admin-only: DKIM keys per From domain; the private key never leaves, the DNS record to publish is shown. */
export async function dkimRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const { secret } = app.deps.outbound;

  app.get('/dkim-keys', async (req) => {
    requireAdmin(req);
    return { items: (await listDkimKeys(db)).map(view) };
  });

  app.post('/dkim-keys', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['domain'],
        properties: { domain: domainParams.properties.domain, selector: { type: 'string', pattern: '^[A-Za-z0-9-]{1,63}$' }, enabled: { type: 'boolean' } },
      },
    },
  }, async (req, reply) => {
    requireAdmin(req);
    const body = req.body as { domain: string; selector?: string; enabled?: boolean };
    const domain = body.domain.toLowerCase();
    const now = new Date();
    const key = await db.serial(async () => {
      if (await getDkimKey(db, domain)) throw new ApiError(409, 'exists', `${domain} has a DKIM key already; delete it first to make a new one.`);
      const pair = generateDkimKeyPair();
      // A dated selector lets a later key be published beside this one (RFC 6376 §3.1).
      const selector = body.selector ?? `mxdesk${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      const created: DkimKey = { domain, selector, privateKeySealed: seal(secret, pair.privateKey, DKIM_PURPOSE), publicKey: pair.publicKey, enabled: body.enabled ?? true, createdAt: now.getTime() };
      const batch = new Batch();
      putDkimKey(db, batch, created);
      await db.commit(batch, true);
      return created;
    });
    return reply.status(201).send(view(key));
  });

  app.patch('/dkim-keys/:domain', {
    schema: { params: domainParams, body: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } } },
  }, async (req) => {
    requireAdmin(req);
    const { domain } = req.params as { domain: string };
    return db.serial(async () => {
      const key = await getDkimKey(db, domain);
      if (!key) throw notFound(`A DKIM key for ${domain}`);
      const next = { ...key, enabled: (req.body as { enabled: boolean }).enabled };
      const batch = new Batch();
      putDkimKey(db, batch, next);
      await db.commit(batch, true);
      return view(next);
    });
  });

  app.delete('/dkim-keys/:domain', { schema: { params: domainParams } }, async (req, reply) => {
    requireAdmin(req);
    const { domain } = req.params as { domain: string };
    if (!(await getDkimKey(db, domain))) throw notFound(`A DKIM key for ${domain}`);
    const batch = new Batch();
    delDkimKey(db, batch, domain);
    await db.commit(batch, true);
    return reply.status(204).send();
  });
}
