import type { FastifyInstance } from 'fastify';
import { userByEmail } from '../../store/directory.js';
import { verifyPassword } from '../../auth/password.js';
import { ApiError } from '../errors.js';
import { closeSession, currentUser, openSession } from '../sessions.js';

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

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
    const user = await userByEmail(db, email);
    // One answer for unknown user and wrong password: the API does not tell which emails exist.
    if (!user || !user.active || !(await verifyPassword(password, user.passwordHash))) {
      throw new ApiError(401, 'bad_credentials', 'Wrong email or password.');
    }
    await openSession(db, user, reply, req.protocol === 'https');
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  });

  app.post('/auth/logout', async (req, reply) => {
    await closeSession(db, req, reply);
    return { ok: true };
  });

  app.get('/auth/me', async (req) => {
    const user = await currentUser(db, req);
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role, departments: user.departments } };
  });
}
