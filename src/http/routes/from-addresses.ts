import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { delFromAddress, getFromAddress, listFromAddresses, putFromAddress } from '../../store/outbound.js';
import { listDepartments } from '../../store/directory.js';
import { chooseFromAddress, fromAddressView, type FromAddress } from '../../outbound/from-address.js';
import { seal, unseal } from '../../outbound/secret-box.js';
import { testRelay } from '../../outbound/relay-test.js';
import { ApiError, forbidden, notFound } from '../errors.js';

const EMAIL = '^[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+$';

const relaySchema = (required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    security: { type: 'string', enum: ['plain', 'ssl', 'starttls'] },
    username: { type: 'string', maxLength: 320 },
    /** Write-only: '' clears it. */
    password: { type: 'string', maxLength: 1000 },
    allowSelfSigned: { type: 'boolean' },
  },
});

const bodySchema = (required: string[], relayRequired: string[]) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties: {
    address: { type: 'string', maxLength: 320, pattern: EMAIL },
    name: { type: 'string', maxLength: 200 },
    departmentId: { type: ['string', 'null'], maxLength: 40 },
    enabled: { type: 'boolean' },
    isDefault: { type: 'boolean' },
    relay: relaySchema(relayRequired),
  },
});

interface Body {
  address?: string;
  name?: string;
  departmentId?: string | null;
  enabled?: boolean;
  isDefault?: boolean;
  relay?: Partial<FromAddress['relay']> & { password?: string };
}

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } }, required: ['id'] };

function requireAdmin(req: FastifyRequest): void {
  if (req.user?.role !== 'admin') throw forbidden('Only an admin manages From addresses and their relays.');
}

/** Admin-only: the addresses replies leave from, each with its relay. */
export async function fromAddressRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const { secret, config, worker } = app.deps.outbound;

  /** Applies a change in one serial section, refusing one that leaves a department without a From address. */
  const change = (apply: (all: FromAddress[]) => Promise<{ next: FromAddress[]; batch: Batch; result?: FromAddress }>) =>
    db.serial(async () => {
      const all = await listFromAddresses(db);
      const { next, batch, result } = await apply(all);
      for (const d of await listDepartments(db)) {
        if (chooseFromAddress(all, { alias: '', departmentId: d.id }) && !chooseFromAddress(next, { alias: '', departmentId: d.id })) {
          throw new ApiError(409, 'last_from_address', `Department "${d.name}" would have no active From address left; add or enable another one first.`);
        }
      }
      await db.commit(batch, true);
      // Mail that waited for a From address may go now.
      worker.wake();
      return result;
    });

  /** A new default takes the place of the previous default of the same department. */
  const demoteOthers = (all: FromAddress[], f: FromAddress, batch: Batch) =>
    all.map((o) => {
      if (o.id === f.id || !f.isDefault || !o.isDefault || (o.departmentId ?? null) !== (f.departmentId ?? null)) return o;
      const demoted = { ...o, isDefault: false };
      putFromAddress(db, batch, demoted);
      return demoted;
    });

  const checkDepartment = async (id: string | null | undefined) => {
    if (id && !(await listDepartments(db)).some((d) => d.id === id)) throw new ApiError(400, 'invalid_request', `Department ${id} does not exist.`);
  };

  app.get('/from-addresses', async (req) => {
    const all = await listFromAddresses(db);
    if (req.user?.role === 'admin') return { items: all.map(fromAddressView) };
    // Agents pick among the active ones when replying; relays are none of their business.
    return { items: all.filter((f) => f.enabled).map((f) => ({ id: f.id, address: f.address, name: f.name, departmentId: f.departmentId, isDefault: f.isDefault })) };
  });

  app.post('/from-addresses', { schema: { body: bodySchema(['address', 'relay'], ['host', 'port', 'security']) } }, async (req, reply) => {
    requireAdmin(req);
    const body = req.body as Body;
    await checkDepartment(body.departmentId);
    const now = Date.now();
    const relay = body.relay!;
    const created: FromAddress = {
      id: newId(now),
      address: body.address!.toLowerCase(),
      name: body.name ?? '',
      departmentId: body.departmentId ?? undefined,
      isDefault: body.isDefault ?? false,
      enabled: body.enabled ?? true,
      relay: { host: relay.host!, port: relay.port!, security: relay.security!, username: relay.username || undefined, allowSelfSigned: relay.allowSelfSigned ?? false },
      passwordSealed: relay.password ? seal(secret, relay.password) : undefined,
      relayMaxSize: 0,
      createdAt: now,
      updatedAt: now,
    };
    await change(async (all) => {
      const batch = new Batch();
      putFromAddress(db, batch, created);
      return { next: [...demoteOthers(all, created, batch), created], batch };
    });
    return reply.status(201).send(fromAddressView(created));
  });

  app.patch('/from-addresses/:id', { schema: { params: idParams, body: bodySchema([], []) } }, async (req) => {
    requireAdmin(req);
    const { id } = req.params as { id: string };
    const body = req.body as Body;
    await checkDepartment(body.departmentId);
    const updated = await change(async (all) => {
      const current = all.find((f) => f.id === id);
      if (!current) throw notFound('That From address');
      const { password, ...relay } = body.relay ?? {};
      const next: FromAddress = {
        ...current,
        address: body.address?.toLowerCase() ?? current.address,
        name: body.name ?? current.name,
        departmentId: body.departmentId === undefined ? current.departmentId : body.departmentId ?? undefined,
        enabled: body.enabled ?? current.enabled,
        isDefault: body.isDefault ?? current.isDefault,
        relay: { ...current.relay, ...relay, username: relay.username === '' ? undefined : relay.username ?? current.relay.username },
        passwordSealed: password === undefined ? current.passwordSealed : password ? seal(secret, password) : undefined,
        updatedAt: Date.now(),
      };
      const batch = new Batch();
      putFromAddress(db, batch, next);
      return { next: demoteOthers(all, next, batch).map((o) => (o.id === id ? next : o)), batch, result: next };
    });
    return fromAddressView(updated!);
  });

  app.delete('/from-addresses/:id', { schema: { params: idParams } }, async (req, reply) => {
    requireAdmin(req);
    const { id } = req.params as { id: string };
    await change(async (all) => {
      if (!all.some((f) => f.id === id)) throw notFound('That From address');
      const batch = new Batch();
      delFromAddress(db, batch, id);
      return { next: all.filter((f) => f.id !== id), batch };
    });
    return reply.status(204).send();
  });

  app.post('/from-addresses/:id/test', {
    schema: { params: idParams, body: { type: ['object', 'null'], additionalProperties: false, properties: { sendTestMail: { type: 'boolean' } } } },
  }, async (req) => {
    requireAdmin(req);
    const { id } = req.params as { id: string };
    const from = await getFromAddress(db, id);
    if (!from) throw notFound('That From address');
    const password = from.passwordSealed ? unseal(secret, from.passwordSealed) : undefined;
    const sendTo = (req.body as { sendTestMail?: boolean } | null)?.sendTestMail ? req.user!.email : undefined;
    const result = await testRelay(from, password, { hostname: config.hostname, timeoutMs: config.timeoutMs, sendTo });
    if (result.ok && result.maxSize !== from.relayMaxSize) {
      await db.serial(async () => {
        const current = await getFromAddress(db, id);
        if (current) await db.commit(new Batch().put(db.sub.fromaddr, id, { ...current, relayMaxSize: result.maxSize }), true);
      });
    }
    return result;
  });
}
