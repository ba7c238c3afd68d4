import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { delUser, getUser, listDepartments, listUsers, putUser, userByEmail } from '../../store/directory.js';
import { hashPassword } from '../../auth/password.js';
import type { Role, User } from '../../desk/types.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk, userOf } from '../guard.js';
import { audit } from './audit.js';

// Users of the desk: admin only. The password hash never leaves the server.

const ROLES = ['admin', 'agent', 'basic'];
/** NIST SP 800-63B §5.1.1.2: at least 8 characters; we ask for a little more. */
const MIN_PASSWORD = 10;

const userFields = {
  email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' },
  name: { type: 'string', minLength: 1, maxLength: 200 },
  role: { type: 'string', enum: ROLES },
  departments: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 40 } },
  password: { type: 'string', minLength: MIN_PASSWORD, maxLength: 1024 },
  active: { type: 'boolean' },
} as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } } as const;

interface UserInput {
  email?: string;
  name?: string;
  role?: Role;
  departments?: string[];
  password?: string;
  active?: boolean;
}

export function userView(u: User) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, departments: u.departments, active: u.active, createdAt: u.createdAt, hasPassword: u.passwordHash !== '' };
}

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  const checkDepartments = async (ids: string[] | undefined) => {
    if (!ids) return;
    const known = new Set((await listDepartments(db)).map((d) => d.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw new ApiError(400, 'unknown_department', `No department with id ${unknown.join(', ')}.`);
  };

  /** Refuses a change that would leave the desk without an active admin. */
  const keepAnAdmin = async (changing: User, after: User | null) => {
    if (changing.role !== 'admin' || !changing.active || (after && after.role === 'admin' && after.active)) return;
    const others = (await listUsers(db)).filter((u) => u.id !== changing.id && u.role === 'admin' && u.active);
    if (others.length === 0) throw new ApiError(409, 'last_admin', 'This is the last active admin; make someone else admin first.');
  };

  /** Who can be assigned or mentioned: every logged-in user may read names, roles and departments. */
  app.get('/agents', async () => ({
    items: (await listUsers(db)).filter((u) => u.active).map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, departments: u.departments })),
  }));

  app.get('/users', async (req) => {
    requireDesk(req, 'manage-users');
    return { items: (await listUsers(db)).map(userView) };
  });

  app.post('/users', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['email', 'name', 'role'], properties: userFields } },
  }, async (req, reply) => {
    requireDesk(req, 'manage-users');
    const input = req.body as Required<Pick<UserInput, 'email' | 'name' | 'role'>> & UserInput;
    await checkDepartments(input.departments);
    const email = input.email.toLowerCase();
    const passwordHash = input.password ? await hashPassword(input.password) : '';
    const user = await db.serial(async () => {
      if (await userByEmail(db, email)) throw new ApiError(409, 'email_taken', `A user with ${email} exists already.`);
      const at = app.deps.now();
      const u: User = { id: newId(at), email, name: input.name, role: input.role, departments: input.departments ?? [], active: input.active ?? true, passwordHash, createdAt: at };
      const batch = new Batch();
      putUser(db, batch, u);
      audit(app, req, batch, 'user.create', u.id, { email, role: u.role });
      await db.commit(batch);
      return u;
    });
    return reply.status(201).send(userView(user));
  });

  app.patch('/users/:id', {
    schema: { params: idParam, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: userFields } },
  }, async (req) => {
    requireDesk(req, 'manage-users');
    const { id } = req.params as { id: string };
    const input = req.body as UserInput;
    await checkDepartments(input.departments);
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    const user = await db.serial(async () => {
      const previous = await getUser(db, id);
      if (!previous) throw notFound('That user');
      const email = input.email?.toLowerCase() ?? previous.email;
      if (email !== previous.email && (await userByEmail(db, email))) throw new ApiError(409, 'email_taken', `A user with ${email} exists already.`);
      const u: User = {
        ...previous,
        email,
        name: input.name ?? previous.name,
        role: input.role ?? previous.role,
        departments: input.departments ?? previous.departments,
        active: input.active ?? previous.active,
        passwordHash: passwordHash ?? previous.passwordHash,
      };
      await keepAnAdmin(previous, u);
      const batch = new Batch();
      putUser(db, batch, u, previous);
      const changed = Object.keys(input).filter((k) => k !== 'password');
      audit(app, req, batch, 'user.update', u.id, { changed, ...(input.password ? { password: 'changed' } : {}) });
      await db.commit(batch);
      return u;
    });
    return userView(user);
  });

  app.delete('/users/:id', { schema: { params: idParam } }, async (req, reply) => {
    requireDesk(req, 'manage-users');
    const { id } = req.params as { id: string };
    if (id === userOf(req).id) throw new ApiError(400, 'self_delete', 'You cannot delete your own account; ask another admin.');
    await db.serial(async () => {
      const previous = await getUser(db, id);
      if (!previous) throw notFound('That user');
      await keepAnAdmin(previous, null);
      const batch = new Batch();
      delUser(db, batch, previous);
      audit(app, req, batch, 'user.delete', id, { email: previous.email });
      await db.commit(batch);
    });
    return reply.status(204).send();
  });
}
