import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canSeeTicket, mayOnDesk, mayOnTicket, type DeskAction, type TicketAction } from '../desk/access.js';
import type { DeskSettings, FullTicket, User } from '../desk/types.js';
import type { Actor } from '../desk/records.js';
import { getSettings } from '../store/directory.js';
import { getMessage, getTicket } from '../store/tickets.js';
import { ApiError, forbidden, notFound, unauthorised } from './errors.js';

// The API's side of src/desk/access.ts: every route asks here before it reads or writes.
// A ticket the user may not see answers 404, exactly like one that does not exist, so that
// ticket numbers of other departments leak nothing; one they see but may not change is 403.

export function userOf(req: FastifyRequest): User {
  if (!req.user) throw unauthorised();
  return req.user;
}

export function actorOf(req: FastifyRequest): Actor {
  const u = userOf(req);
  return { id: u.id, name: u.name || u.email };
}

export function requireDesk(req: FastifyRequest, action: DeskAction): User {
  const user = userOf(req);
  const d = mayOnDesk(user, action);
  if (!d.allowed) throw forbidden(d.reason);
  return user;
}

export async function ticketFor(app: FastifyInstance, req: FastifyRequest, number: number, action: TicketAction): Promise<{ ticket: FullTicket; user: User; settings: DeskSettings }> {
  const user = userOf(req);
  const [ticket, settings] = await Promise.all([getTicket(app.deps.db, number), getSettings(app.deps.db)]);
  if (!ticket || !canSeeTicket(user, ticket, settings)) throw notFound(`Ticket #${number}`);
  const d = mayOnTicket(user, action, ticket, settings);
  if (!d.allowed) throw forbidden(d.reason);
  return { ticket, user, settings };
}

/** A row filter for lists: only tickets the user may see. */
export async function visibleFilter(app: FastifyInstance, req: FastifyRequest): Promise<((t: FullTicket) => boolean) | undefined> {
  const user = userOf(req);
  const settings = await getSettings(app.deps.db);
  if (user.role === 'admin' || settings.agentVisibility === 'all') return undefined;
  return (t) => canSeeTicket(user, t, settings);
}

/** A message is as visible as its ticket. */
export async function messageFor(app: FastifyInstance, req: FastifyRequest, id: string) {
  const m = await getMessage(app.deps.db, id);
  if (!m) throw notFound('That message');
  await ticketFor(app, req, m.ticketNumber, 'view').catch((err) => {
    throw err instanceof ApiError && err.status === 404 ? notFound('That message') : err;
  });
  return m;
}
