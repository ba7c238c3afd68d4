import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { getDepartment, getSettings, listDepartments, listUsers, putDepartment, putSettings, putUser } from '../../store/directory.js';
import type { Department, DeskSettings } from '../../desk/types.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk } from '../guard.js';
import { audit } from './audit.js';

// Departments with their members, and the desk settings the help desk reads. Everyone
// logged in may list departments (the panel shows names); only admins change them.
// Membership is stored on the users (user.departments); `members` here sets it.

const deptFields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  autoCloseDays: { type: ['integer', 'null'], minimum: 0, maximum: 365 },
  members: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 40 } },
  /** This department's replies differ from the organisation's channel settings; {} = none differ. */
  channel: { type: 'object', additionalProperties: false, properties: { autoCcSupport: { type: 'boolean' }, agentNameInFrom: { type: 'boolean' } } },
} as const;

interface DeptInput {
  name?: string;
  autoCloseDays?: number | null;
  members?: string[];
  channel?: Department['channel'];
}

export async function departmentRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  const view = async () => {
    const users = await listUsers(db);
    return (await listDepartments(db)).map((d) => ({
      ...d,
      autoCloseDays: d.autoCloseDays ?? null,
      members: users.filter((u) => u.departments.includes(d.id)).map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role })),
    }));
  };

  /** Makes exactly `members` the members of department `id`, in the same batch. */
  const setMembers = async (batch: Batch, id: string, members: string[]) => {
    const users = await listUsers(db);
    const unknown = members.filter((m) => !users.some((u) => u.id === m));
    if (unknown.length) throw new ApiError(400, 'unknown_user', `No user with id ${unknown.join(', ')}.`);
    for (const u of users) {
      const want = members.includes(u.id);
      const has = u.departments.includes(id);
      if (want === has) continue;
      putUser(db, batch, { ...u, departments: want ? [...u.departments, id] : u.departments.filter((d) => d !== id) }, u);
    }
  };

  app.get('/departments', async () => ({ items: await view() }));

  app.post('/departments', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: deptFields } },
  }, async (req, reply) => {
    requireDesk(req, 'manage-departments');
    const input = req.body as DeptInput & { name: string };
    const id = await db.serial(async () => {
      if ((await listDepartments(db)).some((d) => d.name.toLowerCase() === input.name.toLowerCase())) {
        throw new ApiError(409, 'name_taken', `A department named ${input.name} exists already.`);
      }
      const at = app.deps.now();
      const d: Department = {
        id: newId(at), name: input.name, createdAt: at,
        ...(input.autoCloseDays != null ? { autoCloseDays: input.autoCloseDays } : {}),
        ...(input.channel && Object.keys(input.channel).length ? { channel: input.channel } : {}),
      };
      const batch = new Batch();
      putDepartment(db, batch, d);
      if (input.members) await setMembers(batch, d.id, input.members);
      audit(app, req, batch, 'department.create', d.id, { name: d.name });
      await db.commit(batch);
      return d.id;
    });
    return reply.status(201).send((await view()).find((d) => d.id === id));
  });

  app.patch('/departments/:id', {
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } },
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: deptFields },
    },
  }, async (req) => {
    requireDesk(req, 'manage-departments');
    const { id } = req.params as { id: string };
    const input = req.body as DeptInput;
    await db.serial(async () => {
      const previous = await getDepartment(db, id);
      if (!previous) throw notFound('That department');
      const d: Department = { ...previous, name: input.name ?? previous.name };
      if (input.autoCloseDays === null) delete d.autoCloseDays;
      else if (input.autoCloseDays !== undefined) d.autoCloseDays = input.autoCloseDays;
      // The override replaces the previous one whole: a key left out follows the organisation.
      if (input.channel && Object.keys(input.channel).length) d.channel = input.channel;
      else if (input.channel) delete d.channel;
      const batch = new Batch();
      putDepartment(db, batch, d);
      if (input.members) await setMembers(batch, id, input.members);
      audit(app, req, batch, 'department.update', id, { changed: Object.keys(input) });
      await db.commit(batch);
    });
    return (await view()).find((d) => d.id === id);
  });

  const settingsFields = {
    agentVisibility: { type: 'string', enum: ['all', 'own'] },
    autoCloseDays: { type: 'integer', minimum: 0, maximum: 365 },
    reopenWindowDays: { type: 'integer', minimum: 0, maximum: 3650 },
    acknowledge: { type: 'boolean' },
    // The channel settings (issue 2): the panel's settings screen switches them.
    contactFromReplyTo: { type: 'boolean' },
    originalSenderCommand: { type: 'boolean' },
    autoCcSupport: { type: 'boolean' },
    agentNameInFrom: { type: 'boolean' },
  } as const;

  app.get('/settings', async (req) => {
    requireDesk(req, 'manage-settings');
    return getSettings(db);
  });

  app.patch('/settings', {
    schema: { body: { type: 'object', additionalProperties: false, minProperties: 1, properties: settingsFields } },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const input = req.body as Partial<DeskSettings>;
    return db.serial(async () => {
      const settings = { ...(await getSettings(db)), ...input };
      const batch = new Batch();
      putSettings(db, batch, settings);
      audit(app, req, batch, 'settings.update', 'settings', input as Record<string, unknown>);
      await db.commit(batch);
      return settings;
    });
  });
}
