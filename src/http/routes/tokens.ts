import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId, newToken } from '../../store/ids.js';
import { delApiToken, hashToken, listApiTokens, putApiToken } from '../../store/api-tokens.js';
import type { ApiToken } from '../../desk/records.js';
import { forbidden, notFound } from '../errors.js';
import { userOf } from '../guard.js';
import { audit } from './audit.js';

// Personal API tokens for integrations: sent as Authorization: Bearer, they act as their
// user (same role, same departments) and need no CSRF token, since a browser never adds
// them to a request by itself. The secret is shown once, at creation.

/** Prefix that lets secret scanners (and people) recognise a leaked token. */
const TOKEN_PREFIX = 'mxd_';

const tokenView = (t: ApiToken) => ({ id: t.id, name: t.name, userId: t.userId, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt });

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/tokens', async (req) => {
    const user = userOf(req);
    const all = await listApiTokens(db);
    return { items: all.filter((t) => t.userId === user.id || user.role === 'admin').map(tokenView) };
  });

  app.post('/tokens', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } } },
  }, async (req, reply) => {
    const user = userOf(req);
    // Only a person in the panel mints tokens: a leaked token must not be able to make more.
    if (req.auth?.via !== 'session') throw forbidden('Create API tokens from a logged-in session, not with another token.');
    const { name } = req.body as { name: string };
    const secret = TOKEN_PREFIX + newToken();
    const at = app.deps.now();
    const token: ApiToken = { id: newId(at), userId: user.id, name, hash: hashToken(secret), createdAt: at, lastUsedAt: null };
    const batch = new Batch();
    putApiToken(db, batch, token);
    audit(app, req, batch, 'token.create', token.id, { name });
    await db.commit(batch);
    return reply.status(201).send({ ...tokenView(token), token: secret });
  });

  /** Revokes a token: its owner, or an admin for anyone's. */
  app.delete('/tokens/:id', {
    schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } } },
  }, async (req, reply) => {
    const user = userOf(req);
    const { id } = req.params as { id: string };
    const token = (await listApiTokens(db)).find((t) => t.id === id && (t.userId === user.id || user.role === 'admin'));
    if (!token) throw notFound('That token');
    const batch = new Batch();
    delApiToken(db, batch, token);
    audit(app, req, batch, 'token.revoke', id, { owner: token.userId });
    await db.commit(batch);
    return reply.status(204).send();
  });
}
