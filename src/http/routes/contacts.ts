import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { filteredPage } from '../../store/paging.js';
import { contactByEmail, delContact, getContact, listContacts, putContact } from '../../store/directory.js';
import { accountForEmail, getAccount } from '../../store/accounts.js';
import { listTickets, putTicket, ticketIndex } from '../../store/tickets.js';
import type { Contact } from '../../desk/types.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { userOf, visibleFilter } from '../guard.js';

// Contacts: created from mail by ingest, read by every agent, edited by agents and admins.
// Every address of a contact (primary and secondary) finds it; an address belongs to one
// contact only.

const emailSchema = { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' } as const;
const contactFields = {
  name: { type: 'string', maxLength: 200 },
  email: emailSchema,
  secondaryEmails: { type: 'array', maxItems: 20, items: emailSchema },
  phone: { type: 'string', maxLength: 50 },
  notes: { type: 'string', maxLength: 10_000 },
  /** The contact's company (GET /accounts); null unlinks it. */
  accountId: { type: ['string', 'null'], pattern: '^[0-9a-z]{20}$' },
  // Facts about the customer rules can test, e.g. { "keyAccount": true }; null removes one.
  fields: {
    type: 'object',
    maxProperties: 50,
    propertyNames: { pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,39}$' },
    // string, number, boolean or null; checked in mergedFields (an anyOf would coerce true into "true").
    additionalProperties: {},
  },
} as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-z]{20}$' } } } as const;

interface ContactInput {
  name?: string;
  email?: string;
  secondaryEmails?: string[];
  phone?: string;
  notes?: string;
  accountId?: string | null;
  fields?: Record<string, string | number | boolean | null>;
}

export const contactView = (c: Contact) => ({
  id: c.id,
  name: c.name,
  email: c.email,
  secondaryEmails: c.emails.filter((e) => e !== c.email),
  phone: c.phone ?? '',
  notes: c.notes ?? '',
  fields: c.fields ?? {},
  accountId: c.accountId ?? null,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

/** Input fields merged over the stored ones; null removes a field. */
function mergedFields(stored: Contact['fields'], input: ContactInput['fields']): Pick<Contact, 'fields'> {
  if (!stored && !input) return {};
  const fields = { ...stored };
  for (const [k, v] of Object.entries(input ?? {})) {
    if (!(v === null || typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 500))) {
      throw new ApiError(400, 'invalid_request', `Contact field ${k} takes a string (up to 500 characters), a number, true/false or null.`);
    }
    if (v === null) delete fields[k];
    else fields[k] = v;
  }
  return { fields };
}

export async function contactRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  const mayEdit = (req: Parameters<typeof userOf>[0]) => {
    if (userOf(req).role === 'basic') throw forbidden('Your role (basic) may read contacts, not change them.');
  };

  /** The contact as it will be stored, or 409 when one of its addresses belongs to someone else. */
  const build = async (previous: Contact | undefined, input: ContactInput, at: number): Promise<Contact> => {
    const email = (input.email ?? previous?.email ?? '').toLowerCase();
    const secondary = input.secondaryEmails ?? previous?.emails.filter((e) => e !== previous.email) ?? [];
    const emails = [...new Set([email, ...secondary.map((e) => e.toLowerCase())])];
    for (const e of emails) {
      const owner = await contactByEmail(db, e);
      if (owner && owner.id !== previous?.id) throw new ApiError(409, 'email_taken', `${e} belongs to another contact (${owner.name || owner.email}); merge them instead.`);
    }
    if (input.accountId && !(await getAccount(db, input.accountId))) throw notFound('That account');
    // A new contact without an account named joins the account that owns its domain.
    const accountId = input.accountId === null ? undefined : input.accountId ?? previous?.accountId ?? (previous ? undefined : (await accountForEmail(db, email))?.id);
    return {
      id: previous?.id ?? newId(at),
      name: input.name ?? previous?.name ?? '',
      email,
      emails,
      phone: input.phone ?? previous?.phone,
      notes: input.notes ?? previous?.notes,
      ...mergedFields(previous?.fields, input.fields),
      ...(accountId ? { accountId } : {}),
      createdAt: previous?.createdAt ?? at,
      updatedAt: at,
    };
  };

  app.get('/contacts', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { q: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, before: { type: 'string', pattern: '^[0-9a-z]{20}$' } },
      },
    },
  }, async (req) => {
    const { q, limit, before } = req.query as { q?: string; limit: number; before?: string };
    const needle = q?.trim().toLowerCase();
    if (needle?.includes('@')) {
      const c = await contactByEmail(db, needle);
      return { items: c ? [contactView(c)] : [], nextBefore: null };
    }
    // Without an exact address this reads contacts page by page (full-text search is its own slice).
    const keep = (c: Contact) => !needle || c.name.toLowerCase().includes(needle) || c.emails.some((e) => e.includes(needle));
    const page = await filteredPage((o) => listContacts(db, o), keep, limit, before);
    return { items: page.items.map(contactView), nextBefore: page.nextBefore };
  });

  app.get('/contacts/:id', { schema: { params: idParam } }, async (req) => {
    const { id } = req.params as { id: string };
    const c = await getContact(db, id);
    if (!c) throw notFound('That contact');
    const visible = await visibleFilter(app, req);
    const tickets = await listTickets(db, { range: ticketIndex.contact(id), limit: 100, match: visible });
    const rows = tickets.items.map((t) => ({ number: t.number, subject: t.subject, status: t.status, updatedAt: t.updatedAt }));
    const account = c.accountId ? await getAccount(db, c.accountId) : undefined;
    return { ...contactView(c), account: account ? { id: account.id, name: account.name } : null, tickets: rows };
  });

  app.post('/contacts', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['email'], properties: contactFields } },
  }, async (req, reply) => {
    mayEdit(req);
    const input = req.body as ContactInput;
    const c = await db.serial(async () => {
      const contact = await build(undefined, input, app.deps.now());
      const batch = new Batch();
      putContact(db, batch, contact);
      await db.commit(batch);
      return contact;
    });
    return reply.status(201).send(contactView(c));
  });

  /** Merges duplicate contact :id into `into`: its addresses and tickets move, it disappears. */
  app.post('/contacts/:id/merge', {
    schema: { params: idParam, body: { type: 'object', additionalProperties: false, required: ['into'], properties: { into: { type: 'string', pattern: '^[0-9a-z]{20}$' } } } },
  }, async (req) => {
    mayEdit(req);
    const { id } = req.params as { id: string };
    const { into } = req.body as { into: string };
    if (id === into) throw new ApiError(409, 'same_contact', 'A contact cannot be merged into itself.');
    const merged = await db.serial(async () => {
      const [source, target] = await Promise.all([getContact(db, id), getContact(db, into)]);
      if (!source || !target) throw notFound('That contact');
      const at = app.deps.now();
      const contact: Contact = {
        ...target,
        name: target.name || source.name,
        emails: [...new Set([...target.emails, ...source.emails])],
        phone: target.phone || source.phone,
        notes: [target.notes, source.notes].filter(Boolean).join('\n\n') || undefined,
        ...(target.accountId ?? source.accountId ? { accountId: target.accountId ?? source.accountId } : {}),
        updatedAt: at,
      };
      const batch = new Batch();
      // Every ticket of the duplicate now belongs to the surviving contact.
      let cursor: string | undefined;
      do {
        const page = await listTickets(db, { range: ticketIndex.contact(id), limit: 200, cursor });
        for (const t of page.items) putTicket(db, batch, { ...t, contactId: into }, t);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      delContact(db, batch, source);
      putContact(db, batch, contact, target);
      await db.commit(batch);
      return contact;
    });
    return contactView(merged);
  });

  app.patch('/contacts/:id', {
    schema: { params: idParam, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: contactFields } },
  }, async (req) => {
    mayEdit(req);
    const { id } = req.params as { id: string };
    const input = req.body as ContactInput;
    const c = await db.serial(async () => {
      const previous = await getContact(db, id);
      if (!previous) throw notFound('That contact');
      const contact = await build(previous, input, app.deps.now());
      const batch = new Batch();
      putContact(db, batch, contact, previous);
      await db.commit(batch);
      return contact;
    });
    return contactView(c);
  });
}
