import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Batch, type Db } from '../store/db.js';
import { newToken } from '../store/ids.js';
import { getUser } from '../store/directory.js';
import { apiTokenBySecret, putApiToken } from '../store/api-tokens.js';
import type { User } from '../desk/types.js';
import { ApiError, unauthorised } from './errors.js';

export const SESSION_COOKIE = 'mxdesk_session';
const SESSION_DAYS = 14;

interface Session {
  userId: string;
  createdAt: number;
  expiresAt: number;
}

// Only a hash of the token is stored: a copy of the database opens no session.
const keyOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The CSRF token of a session: derived from the session's secret, so nothing more is stored,
 * and unknowable to a page that cannot read the httpOnly cookie. The panel sends it back in
 * X-CSRF-Token on every state-changing request (OWASP: synchronizer token pattern).
 */
export const csrfTokenOf = (sessionToken: string) => createHash('sha256').update(`mxdesk-csrf:${sessionToken}`).digest('base64url');
export const CSRF_HEADER = 'x-csrf-token';

/** Opens a session for the user, sets its cookie, and returns the session's CSRF token. */
export async function openSession(db: Db, user: User, reply: FastifyReply, secure: boolean, now = Date.now()): Promise<string> {
  const token = newToken();
  const session: Session = { userId: user.id, createdAt: now, expiresAt: now + SESSION_DAYS * 86_400_000 };
  await db.commit(new Batch().put(db.sub.session, keyOf(token), session), true);
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: SESSION_DAYS * 86_400 });
  return csrfTokenOf(token);
}

export async function closeSession(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token) await db.commit(new Batch().del(db.sub.session, keyOf(token)), true);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export interface Authenticated {
  user: User;
  /** A browser session (cookie, needs CSRF token) or a personal API token (Bearer). */
  via: 'session' | 'token';
  /** For sessions: the token the client must echo in X-CSRF-Token. */
  csrfToken?: string;
}

/** Who makes a request: a personal API token in Authorization: Bearer, else the session cookie; or 401. */
export async function authenticate(db: Db, request: FastifyRequest, now = Date.now()): Promise<Authenticated> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) {
    const token = await apiTokenBySecret(db, bearer);
    const user = token && (await getUser(db, token.userId));
    if (!user || !user.active) throw new ApiError(401, 'bad_token', 'That API token is unknown or revoked.');
    // "Last used" to the hour is enough to spot a dead token, and costs one write an hour.
    if (token.lastUsedAt === null || now - token.lastUsedAt > 3_600_000) {
      await db.commit(putApiToken(db, new Batch(), { ...token, lastUsedAt: now }), false);
    }
    return { user, via: 'token' };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) throw unauthorised();
  const session = await db.get<Session>(db.sub.session, keyOf(cookie));
  if (!session || session.expiresAt < now) throw unauthorised();
  const user = await getUser(db, session.userId);
  if (!user || !user.active) throw unauthorised();
  return { user, via: 'session', csrfToken: csrfTokenOf(cookie) };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses a state-changing request made with the session cookie but without its CSRF token. */
export function checkCsrf(request: FastifyRequest, auth: Authenticated): void {
  if (auth.via !== 'session' || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  const expected = Buffer.from(auth.csrfToken ?? '');
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError(403, 'csrf', 'Missing or wrong X-CSRF-Token header: send the csrfToken from login or /auth/me with every change.');
  }
}

/** The user of a request's session cookie or API token, or 401. */
export async function currentUser(db: Db, request: FastifyRequest, now = Date.now()): Promise<User> {
  return (await authenticate(db, request, now)).user;
}
