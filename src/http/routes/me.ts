import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { getUser, putUser } from '../../store/directory.js';
import { userOf } from '../guard.js';
import { notFound } from '../errors.js';
import type { User } from '../../desk/types.js';

// What each user sets for themselves, whatever their role: the panel's language, kept on the
// user so it follows them to every browser. Only "me": nobody sets another user's.

export async function meRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.patch('/users/me', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['language'],
        properties: { language: { anyOf: [{ type: 'string', enum: ['en', 'es'] }, { type: 'null' }], description: 'null: follow the browser' } },
      },
    },
  }, async (req) => {
    const { language } = req.body as { language: 'en' | 'es' | null };
    return db.serial(async () => {
      const current = await getUser(db, userOf(req).id);
      if (!current) throw notFound('Your user');
      const { language: _old, ...rest } = current;
      const next: User = language ? { ...rest, language } : rest;
      const batch = new Batch();
      putUser(db, batch, next, current);
      await db.commit(batch);
      return { language: next.language ?? null };
    });
  });
}
