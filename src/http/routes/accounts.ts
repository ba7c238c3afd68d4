import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { filteredPage } from '../../store/paging.js';
import { accountOfDomain, contactsOfAccount, delAccount, getAccount, listAccounts, putAccount, unlinkedContactsAt } from '../../store/accounts.js';
import { putContact } from '../../store/directory.js';
import { ticketIndex, type TicketPage } from '../../store/tickets.js';
import { listTicketsMerged } from '../../store/merged-lists.js';
import { isFreeMail, normaliseDomain } from '../../desk/accounts.js';
import type { Account, FullTicket } from '../../desk/types.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { userOf, visibleFilter } from '../guard.js';
import { contactView } from './contacts.js';

// Accounts: the companies contacts work for. Agents and admins create, edit, merge and
// delete them; basic agents read. Each shows its contacts and the tickets of those contacts
// the reader may see. Mail never creates an account; a new contact joins the account that
// owns its address's domain (src/ingest/records.ts contactFor).

const ID = '^[0-9a-z]{20}$';
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: ID } } } as const;
const accountFields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  domains: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 3, maxLength: 253, pattern: '^@?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+\\.?$' } },
  notes: { type: 'string', maxLength: 10_000 },
  keyAccount: { type: 'boolean' },
} as const;

interface AccountInput {
  name?: string;
  domains?: string[];
  notes?: string;
  keyAccount?: boolean;
}

export const accountView = (a: Account) => ({
  id: a.id,
  name: a.name,
  domains: a.domains,
  notes: a.notes,
  keyAccount: a.keyAccount,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

const ticketRow = (t: FullTicket) => ({ number: t.number, subject: t.subject, status: t.status, requester: t.requester, updatedAt: t.updatedAt });

function mayEdit(req: FastifyRequest): void {
  if (userOf(req).role === 'basic') throw forbidden('Your role (basic) may read accounts, not change them.');
}

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  /** Checked domains: no free-mail provider, none owned by another account. */
  const checkedDomains = async (domains: string[], self?: string): Promise<string[]> => {
    const out = [...new Set(domains.map(normaliseDomain))];
    for (const d of out) {
      if (isFreeMail(d)) throw new ApiError(400, 'free_mail_domain', `${d} is a public mail provider; its users are not one company, so no account can own it.`);
      const owner = await accountOfDomain(db, d);
      if (owner && owner.id !== self) throw new ApiError(409, 'domain_taken', `${d} belongs to the account ${owner.name}; merge the accounts instead.`);
    }
    return out;
  };

  /** Contacts without an account at domains the account just took join it. */
  const adopt = async (batch: Batch, account: Account, domains: string[]) => {
    for (const c of await unlinkedContactsAt(db, domains)) putContact(db, batch, { ...c, accountId: account.id, updatedAt: account.updatedAt }, c);
  };

  /** The tickets of the account's contacts the reader may see, by last update. */
  const ticketsOf = async (req: FastifyRequest, account: Account, limit: number, cursor?: string): Promise<TicketPage> => {
    const contacts = await contactsOfAccount(db, account.id);
    if (contacts.length === 0) return { items: [], nextCursor: null };
    const visible = await visibleFilter(app, req);
    const match = (t: FullTicket) => t.deletedAt === null && (!visible || visible(t));
    return listTicketsMerged(db, { ranges: contacts.map((c) => ticketIndex.contact(c.id)), limit, cursor, match });
  };

  const find = async (id: string): Promise<Account> => {
    const a = await getAccount(db, id);
    if (!a) throw notFound('That account');
    return a;
  };

  app.get('/accounts', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { q: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, before: { type: 'string', pattern: ID } },
      },
    },
  }, async (req) => {
    const { q, limit, before } = req.query as { q?: string; limit: number; before?: string };
    const needle = q?.trim().toLowerCase();
    const keep = (a: Account) => !needle || a.name.toLowerCase().includes(needle) || a.domains.some((d) => d.includes(needle));
    const page = await filteredPage((o) => listAccounts(db, o), keep, limit, before);
    return { items: page.items.map(accountView), nextBefore: page.nextBefore };
  });

  app.get('/accounts/:id', { schema: { params: idParam } }, async (req) => {
    const account = await find((req.params as { id: string }).id);
    const [contacts, tickets] = await Promise.all([contactsOfAccount(db, account.id), ticketsOf(req, account, 50)]);
    return { ...accountView(account), contacts: contacts.map(contactView), tickets: tickets.items.map(ticketRow), moreTickets: tickets.nextCursor };
  });

  app.get('/accounts/:id/tickets', {
    schema: {
      params: idParam,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 200 } } },
    },
  }, async (req) => {
    const account = await find((req.params as { id: string }).id);
    const { limit, cursor } = req.query as { limit: number; cursor?: string };
    const page = await ticketsOf(req, account, limit, cursor);
    return { items: page.items.map(ticketRow), nextCursor: page.nextCursor };
  });

  app.post('/accounts', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: accountFields } },
  }, async (req, reply) => {
    mayEdit(req);
    const input = req.body as AccountInput;
    const account = await db.serial(async () => {
      const at = app.deps.now();
      const a: Account = { id: newId(at), name: input.name!.trim(), domains: await checkedDomains(input.domains ?? []), notes: input.notes ?? '', keyAccount: input.keyAccount ?? false, createdAt: at, updatedAt: at };
      const batch = new Batch();
      putAccount(db, batch, a);
      await adopt(batch, a, a.domains);
      await db.commit(batch);
      return a;
    });
    return reply.status(201).send(accountView(account));
  });

  app.patch('/accounts/:id', {
    schema: { params: idParam, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: accountFields } },
  }, async (req) => {
    mayEdit(req);
    const input = req.body as AccountInput;
    const account = await db.serial(async () => {
      const previous = await find((req.params as { id: string }).id);
      const a: Account = {
        ...previous,
        name: input.name?.trim() ?? previous.name,
        domains: input.domains ? await checkedDomains(input.domains, previous.id) : previous.domains,
        notes: input.notes ?? previous.notes,
        keyAccount: input.keyAccount ?? previous.keyAccount,
        updatedAt: app.deps.now(),
      };
      const batch = new Batch();
      putAccount(db, batch, a, previous);
      await adopt(batch, a, a.domains.filter((d) => !previous.domains.includes(d)));
      await db.commit(batch);
      return a;
    });
    return accountView(account);
  });

  /** Deletes the account; its contacts stay, without an account. Tickets are untouched. */
  app.delete('/accounts/:id', { schema: { params: idParam } }, async (req, reply) => {
    mayEdit(req);
    await db.serial(async () => {
      const account = await find((req.params as { id: string }).id);
      const batch = new Batch();
      const at = app.deps.now();
      for (const c of await contactsOfAccount(db, account.id)) {
        const { accountId: _gone, ...rest } = c;
        putContact(db, batch, { ...rest, updatedAt: at }, c);
      }
      delAccount(db, batch, account);
      await db.commit(batch);
    });
    return reply.status(204).send();
  });

  /** Merges duplicate account :id into `into`: its domains, notes and contacts move; it disappears. */
  app.post('/accounts/:id/merge', {
    schema: { params: idParam, body: { type: 'object', additionalProperties: false, required: ['into'], properties: { into: { type: 'string', pattern: ID } } } },
  }, async (req) => {
    mayEdit(req);
    const { id } = req.params as { id: string };
    const { into } = req.body as { into: string };
    if (id === into) throw new ApiError(409, 'same_account', 'An account cannot be merged into itself.');
    const merged = await db.serial(async () => {
      const [source, target] = await Promise.all([find(id), find(into)]);
      const at = app.deps.now();
      const account: Account = {
        ...target,
        domains: [...new Set([...target.domains, ...source.domains])],
        notes: [target.notes, source.notes].filter(Boolean).join('\n\n'),
        keyAccount: target.keyAccount || source.keyAccount,
        updatedAt: at,
      };
      const batch = new Batch();
      for (const c of await contactsOfAccount(db, id)) putContact(db, batch, { ...c, accountId: into, updatedAt: at }, c);
      delAccount(db, batch, source);
      // After the delete: the source's domains now point at the target.
      putAccount(db, batch, account);
      await db.commit(batch);
      return account;
    });
    return accountView(merged);
  });
}
