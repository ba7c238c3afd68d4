import type { FastifyInstance } from 'fastify';
import { userByEmail } from '../../store/directory.js';
import { hashPassword, verifyPassword } from '../../auth/password.js';
import { ApiError } from '../errors.js';
import type { User } from '../../desk/types.js';
import { authenticate, checkCsrf, closeSession, openSession } from '../sessions.js';

/** Who is logged in, as the panel needs it: no hash, the language they chose (null: the browser's). */
const meView = (u: User) => ({ id: u.id, email: u.email, name: u.name, role: u.role, departments: u.departments, language: u.language ?? null });

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  // An unknown email is checked against this hash, so it takes as long as a wrong password
  // and the answer time does not tell which emails have accounts.
  let dummyHash: Promise<string> | undefined;

  app.post('/auth/login', {
    schema: {
      body: {
        type: 'object',
        required: ['email', 'password'],
        additionalProperties: false,
        properties: { email: { type: 'string', minLength: 3, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
      },
    },
  }, async (req, reply) => {
    const { email, password } = req.body as { email: string; password: string };
    const throttle = app.deps.loginThrottle;
    const wait = throttle.retryAfter(email, req.ip);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new ApiError(429, 'too_many_attempts', `Too many failed logins for this account or from this address; try again in ${Math.ceil(wait / 60)} minute(s).`);
    }
    const user = await userByEmail(db, email);
    // One answer for unknown user and wrong password: the API does not tell which emails exist.
    const hash = user?.passwordHash || (await (dummyHash ??= hashPassword('not a password')));
    const passwordOk = await verifyPassword(password, hash);
    if (!user || !user.active || !user.passwordHash || !passwordOk) {
      throttle.failed(email, req.ip);
      throw new ApiError(401, 'bad_credentials', 'Wrong email or password.');
    }
    throttle.succeeded(email);
    const csrfToken = await openSession(db, user, reply, req.protocol === 'https', app.deps.now());
    return { user: meView(user), csrfToken };
  });

  app.post('/auth/logout', async (req, reply) => {
    // Logging someone out is a change too: with a live session, it needs the CSRF token.
    const auth = await authenticate(db, req, app.deps.now()).catch(() => null);
    if (auth) checkCsrf(req, auth);
    await closeSession(db, req, reply);
    return { ok: true };
  });

  app.get('/auth/me', async (req) => {
    const { user, csrfToken } = await authenticate(db, req, app.deps.now());
    return { user: meView(user), ...(csrfToken ? { csrfToken } : {}) };
  });
}
