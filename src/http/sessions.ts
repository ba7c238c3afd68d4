import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Batch, type Db } from '../store/db.js';
import { newToken } from '../store/ids.js';
import { getUser } from '../store/directory.js';
import type { User } from '../desk/types.js';
import { unauthorised } from './errors.js';

export const SESSION_COOKIE = 'mxdesk_session';
const SESSION_DAYS = 14;

interface Session {
  userId: string;
  createdAt: number;
  expiresAt: number;
}

// Only a hash of the token is stored: a copy of the database opens no session.
const keyOf = (token: string) => createHash('sha256').update(token).digest('hex');

export async function openSession(db: Db, user: User, reply: FastifyReply, secure: boolean, now = Date.now()): Promise<void> {
  const token = newToken();
  const session: Session = { userId: user.id, createdAt: now, expiresAt: now + SESSION_DAYS * 86_400_000 };
  await db.commit(new Batch().put(db.sub.session, keyOf(token), session), true);
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: SESSION_DAYS * 86_400 });
}

export async function closeSession(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token) await db.commit(new Batch().del(db.sub.session, keyOf(token)), true);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The user of a request's session cookie, or 401. */
export async function currentUser(db: Db, request: FastifyRequest, now = Date.now()): Promise<User> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) throw unauthorised();
  const session = await db.get<Session>(db.sub.session, keyOf(token));
  if (!session || session.expiresAt < now) throw unauthorised();
  const user = await getUser(db, session.userId);
  if (!user || !user.active) throw unauthorised();
  return user;
}
