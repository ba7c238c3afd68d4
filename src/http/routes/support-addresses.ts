import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Batch } from '../../store/db.js';
import { delSupportAddress, getDepartment, getSupportAddress, listDepartments, listDomains, listSupportAddresses, putSupportAddress } from '../../store/directory.js';
import type { SupportAddress } from '../../desk/types.js';
import { ApiError, forbidden, notFound } from '../errors.js';

// The addresses the MX takes mail for: a default one and its aliases, each with a friendly
// name (the From name of replies), a department and an intake switch. Every change reloads
// the MX's routing, so RCPT answers change at once.

// RFC 5321 §4.1.2 Local-part (dot-atom only: a quoted local part is no support address)
// and §4.5.3.1: local part up to 64 octets, domain up to 255.
const ADDRESS = '^[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]{1,64}(\\.[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+)*@[A-Za-z0-9.-]{1,255}$';

const addressView = (a: SupportAddress) => ({ address: a.address, name: a.name, departmentId: a.departmentId, intake: a.intake, isDefault: a.isDefault });
const addressSchema = {
  type: 'object',
  properties: { address: { type: 'string' }, name: { type: 'string' }, departmentId: { type: 'string' }, intake: { type: 'boolean' }, isDefault: { type: 'boolean' } },
};
const params = { type: 'object', required: ['address'], properties: { address: { type: 'string', maxLength: 320 } } };

function requireAdmin(req: FastifyRequest): void {
  if (req.user?.role !== 'admin') throw forbidden('Only an admin may change support addresses.');
}

const lastIntake = () =>
  new ApiError(409, 'last_intake_address', 'At least one support address must take mail: enable or add another one first.');

export async function supportAddressRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const reload = async () => {
    await app.deps.reloadRouting?.();
  };

  async function checkDepartment(id: string): Promise<void> {
    if (!(await getDepartment(db, id))) throw new ApiError(400, 'unknown_department', `Department ${id} does not exist.`);
  }

  app.get('/support-addresses', { schema: { response: { 200: { type: 'object', properties: { items: { type: 'array', items: addressSchema } } } } } }, async () => ({
    items: (await listSupportAddresses(db)).map(addressView),
  }));

  app.post('/support-addresses', {
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['address', 'departmentId'],
        properties: {
          address: { type: 'string', maxLength: 320, pattern: ADDRESS },
          name: { type: 'string', maxLength: 200, default: '' },
          departmentId: { type: 'string', minLength: 1, maxLength: 64 },
          intake: { type: 'boolean', default: true },
        },
      },
      response: { 201: addressSchema },
    },
  }, async (req, reply) => {
    requireAdmin(req);
    const body = req.body as { address: string; name: string; departmentId: string; intake: boolean };
    const address = body.address.toLowerCase();
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const created = await db.serial(async () => {
      if (!(await listDomains(db)).includes(domain)) {
        throw new ApiError(400, 'not_support_domain', `${domain} is not one of this desk's support domains.`);
      }
      await checkDepartment(body.departmentId);
      if (await getSupportAddress(db, address)) throw new ApiError(409, 'exists', `${address} is already a support address.`);
      const a: SupportAddress = { address, name: body.name.trim(), departmentId: body.departmentId, intake: body.intake, isDefault: false, createdAt: Date.now() };
      await db.commit(withAddress(a));
      return a;
    });
    await reload();
    return reply.status(201).send(addressView(created));
  });

  app.patch('/support-addresses/:address', {
    schema: {
      params,
      body: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: { name: { type: 'string', maxLength: 200 }, departmentId: { type: 'string', minLength: 1, maxLength: 64 }, intake: { type: 'boolean' } },
      },
      response: { 200: addressSchema },
    },
  }, async (req) => {
    requireAdmin(req);
    const { address } = req.params as { address: string };
    const change = req.body as Partial<Pick<SupportAddress, 'name' | 'departmentId' | 'intake'>>;
    const updated = await db.serial(async () => {
      const current = await getSupportAddress(db, address);
      if (!current) throw notFound(`Support address ${address}`);
      if (change.departmentId !== undefined) await checkDepartment(change.departmentId);
      const next: SupportAddress = { ...current, ...change, name: (change.name ?? current.name).trim() };
      if (current.intake && !next.intake && !(await otherIntake(address))) throw lastIntake();
      await db.commit(withAddress(next));
      return next;
    });
    await reload();
    return addressView(updated);
  });

  app.delete('/support-addresses/:address', { schema: { params } }, async (req, reply) => {
    requireAdmin(req);
    const { address } = req.params as { address: string };
    await db.serial(async () => {
      const current = await getSupportAddress(db, address);
      if (!current) throw notFound(`Support address ${address}`);
      const successor = await otherIntake(address);
      if (!successor) throw lastIntake();
      const batch = new Batch();
      delSupportAddress(db, batch, address);
      // The default address answers postmaster@ (RFC 5321 §4.5.1): another one takes the role.
      if (current.isDefault) putSupportAddress(db, batch, { ...successor, isDefault: true });
      await db.commit(batch);
    });
    await reload();
    return reply.status(204).send();
  });

  /** Another address that takes mail, if any: the one that keeps the desk reachable. */
  async function otherIntake(address: string): Promise<SupportAddress | undefined> {
    return (await listSupportAddresses(db)).find((a) => a.intake && a.address !== address.toLowerCase());
  }

  function withAddress(a: SupportAddress): Batch {
    const batch = new Batch();
    putSupportAddress(db, batch, a);
    return batch;
  }
}
