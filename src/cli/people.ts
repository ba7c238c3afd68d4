import { Batch } from '../store/db.js';
import { newId, newToken } from '../store/ids.js';
import { listDepartments, putUser, userByEmail } from '../store/directory.js';
import { hashToken, putApiToken } from '../store/api-tokens.js';
import { hashPassword, randomPassword } from '../auth/password.js';
import type { Role, User } from '../desk/types.js';
import type { Remote } from './remote.js';
import { onStoreOrApi, out, REMOTE_HELP, REMOTE_OPTIONS, UsageError, type Command } from './command.js';

const ROLES: Role[] = ['admin', 'agent', 'basic'];
/** The same rule as the API (src/http/routes/users.ts). */
const MIN_PASSWORD = 10;
/** As in src/http/routes/tokens.ts: secret scanners recognise a leaked token by it. */
const TOKEN_PREFIX = 'mxd_';

function roleOf(value: unknown): Role {
  if (!ROLES.includes(value as Role)) throw new UsageError(`the role is one of ${ROLES.join(', ')}`);
  return value as Role;
}

function passwordOf(value: unknown): { password: string; generated: boolean } {
  if (typeof value === 'string') {
    if (value.length < MIN_PASSWORD) throw new UsageError(`a password has at least ${MIN_PASSWORD} characters`);
    return { password: value, generated: false };
  }
  return { password: randomPassword(), generated: true };
}

async function remoteUser(api: Remote, email: string): Promise<{ id: string; email: string; role: Role }> {
  const { items } = await api.json<{ items: Array<{ id: string; email: string; role: Role }> }>('/api/v1/users');
  const user = items.find((u) => u.email === email.toLowerCase());
  if (!user) throw new Error(`no user with email ${email}`);
  return user;
}

export const peopleCommands: Record<string, Command> = {
  'user add': {
    usage: 'mxdesk user add <email> --name N [--role agent] [--password P] [--department ID]…',
    help: `Adds a user to the desk (role admin, agent or basic; default agent), a member of the given departments (default: all). Without --password a random one is printed once. ${REMOTE_HELP}`,
    options: { name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, department: { type: 'string', multiple: true }, ...REMOTE_OPTIONS },
    async run([email], opts) {
      if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError('user add needs an email address');
      if (typeof opts.name !== 'string' || !opts.name) throw new UsageError('user add needs --name');
      const role = roleOf(opts.role ?? 'agent');
      const { password, generated } = passwordOf(opts.password);
      const wanted = opts.department as string[] | undefined;
      await onStoreOrApi(
        opts,
        async (db) => {
          if (await userByEmail(db, email)) throw new Error(`a user with ${email} exists already`);
          const known = (await listDepartments(db)).map((d) => d.id);
          const unknown = (wanted ?? []).filter((d) => !known.includes(d));
          if (unknown.length) throw new Error(`no department with id ${unknown.join(', ')}`);
          const user: User = { id: newId(), email: email.toLowerCase(), name: opts.name as string, role, departments: wanted ?? known, active: true, passwordHash: await hashPassword(password), createdAt: Date.now() };
          const batch = new Batch();
          putUser(db, batch, user);
          await db.commit(batch, true);
        },
        async (api) => {
          const departments = wanted ?? (await api.json<{ items: Array<{ id: string }> }>('/api/v1/departments')).items.map((d) => d.id);
          await api.call('/api/v1/users', { method: 'POST', json: { email, name: opts.name, role, password, departments } });
        },
      );
      out(generated ? `added ${email} (${role}); password: ${password}` : `added ${email} (${role})`);
    },
  },
  'user passwd': {
    usage: 'mxdesk user passwd <email> [--password P] [--url U --token T]',
    help: `Sets a new password for a user; without --password a random one is printed once. ${REMOTE_HELP}`,
    options: { password: { type: 'string' }, ...REMOTE_OPTIONS },
    async run([email], opts) {
      if (!email) throw new UsageError('user passwd needs an email');
      const { password, generated } = passwordOf(opts.password);
      await onStoreOrApi(
        opts,
        async (db) => {
          const user = await userByEmail(db, email);
          if (!user) throw new Error(`no user with email ${email}`);
          const batch = new Batch();
          putUser(db, batch, { ...user, passwordHash: await hashPassword(password) }, user);
          await db.commit(batch, true);
        },
        async (api) => {
          const user = await remoteUser(api, email);
          await api.call(`/api/v1/users/${user.id}`, { method: 'PATCH', json: { password } });
        },
      );
      out(generated ? `new password of ${email}: ${password}` : `password of ${email} changed`);
    },
  },
  'user role': {
    usage: 'mxdesk user role <email> <admin|agent|basic> [--url U --token T]',
    help: `Changes a user's role. ${REMOTE_HELP}`,
    options: REMOTE_OPTIONS,
    async run([email, role], opts) {
      if (!email || !role) throw new UsageError('user role needs an email and a role');
      const next = roleOf(role);
      await onStoreOrApi(
        opts,
        async (db) => {
          const user = await userByEmail(db, email);
          if (!user) throw new Error(`no user with email ${email}`);
          const batch = new Batch();
          putUser(db, batch, { ...user, role: next }, user);
          await db.commit(batch, true);
        },
        async (api) => {
          const user = await remoteUser(api, email);
          await api.call(`/api/v1/users/${user.id}`, { method: 'PATCH', json: { role: next } });
        },
      );
      out(`${email} is now ${next}`);
    },
  },
  'token create': {
    usage: 'mxdesk token create <email> --name N',
    help: 'Creates a personal API token that acts as the user <email>, and prints it once (Authorization: Bearer). Works on a stopped store only: on a running appliance create tokens in the panel, since a token may not mint tokens.',
    options: { name: { type: 'string' } },
    async run([email], opts) {
      if (!email) throw new UsageError('token create needs the email of the user it acts as');
      if (typeof opts.name !== 'string' || !opts.name) throw new UsageError('token create needs --name (what the token is for)');
      const secret = TOKEN_PREFIX + newToken();
      await onStoreOrApi(opts, async (db) => {
        const user = await userByEmail(db, email);
        if (!user) throw new Error(`no user with email ${email}`);
        const at = Date.now();
        await db.commit(putApiToken(db, new Batch(), { id: newId(at), userId: user.id, name: opts.name as string, hash: hashToken(secret), createdAt: at, lastUsedAt: null }), true);
      });
      out(secret);
    },
  },
};
