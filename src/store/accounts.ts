import { Batch, type Db } from './db.js';
import type { Account, Contact } from '../desk/types.js';
import { domainOf } from '../desk/accounts.js';

// Accounts (customer companies), the domain that finds each, and each account's contacts.
// A domain belongs to one account at most; a contact to one account at most.

export function getAccount(db: Db, id: string): Promise<Account | undefined> {
  return db.get<Account>(db.sub.account, id);
}

/** Accounts by creation, newest first, after the `before` id when paging. */
export function listAccounts(db: Db, opts: { limit: number; before?: string }): Promise<Account[]> {
  return db.values<Account>(db.sub.account, { reverse: true, limit: opts.limit, ...(opts.before ? { lt: opts.before } : {}) });
}

/** Every account; a desk has hundreds, not millions (the CSV import finds accounts by name). */
export function allAccounts(db: Db): Promise<Account[]> {
  return db.values<Account>(db.sub.account);
}

export async function accountOfDomain(db: Db, domain: string): Promise<Account | undefined> {
  const id = await db.get<string>(db.sub.acdom, domain.toLowerCase());
  return id ? getAccount(db, id) : undefined;
}

/** The account a new contact with this address joins: the one that owns its domain. */
export function accountForEmail(db: Db, email: string): Promise<Account | undefined> {
  return accountOfDomain(db, domainOf(email));
}

export function putAccount(db: Db, batch: Batch, a: Account, previous?: Account): void {
  for (const d of previous?.domains ?? []) if (!a.domains.includes(d)) batch.del(db.sub.acdom, d);
  batch.put(db.sub.account, a.id, a);
  for (const d of a.domains) batch.put(db.sub.acdom, d, a.id);
}

export function delAccount(db: Db, batch: Batch, a: Account): void {
  for (const d of a.domains) batch.del(db.sub.acdom, d);
  batch.del(db.sub.account, a.id);
}

/** Ids of the account's contacts, oldest first. */
export async function contactIdsOf(db: Db, accountId: string): Promise<string[]> {
  const prefix = `${accountId}:`;
  return (await db.keys(db.sub.acmem, { gte: prefix, lt: `${prefix}~` })).map((k) => k.slice(prefix.length));
}

export async function contactsOfAccount(db: Db, accountId: string): Promise<Contact[]> {
  const ids = await contactIdsOf(db, accountId);
  return ((await db.sub.contact.getMany(ids)) as Array<Contact | undefined>).filter((c): c is Contact => !!c);
}

/** Keeps the account's contact list in step with a contact's accountId (called by putContact). */
export function linkContact(db: Db, batch: Batch, c: Pick<Contact, 'id' | 'accountId'>, previous?: Pick<Contact, 'accountId'>): void {
  if (previous?.accountId && previous.accountId !== c.accountId) batch.del(db.sub.acmem, `${previous.accountId}:${c.id}`);
  if (c.accountId) batch.put(db.sub.acmem, `${c.accountId}:${c.id}`, '');
}

/**
 * Contacts without an account that have an address at one of `domains`: those an account
 * that just took the domains adopts. Reads every address once (no index by domain; accounts
 * change rarely, and 50 000 addresses read in well under a second).
 */
export async function unlinkedContactsAt(db: Db, domains: string[]): Promise<Contact[]> {
  if (domains.length === 0) return [];
  const wanted = new Set(domains);
  const ids = new Set<string>();
  for await (const [address, id] of db.sub.email.iterator()) {
    if (wanted.has(domainOf(address))) ids.add(id as string);
  }
  const contacts = (await db.sub.contact.getMany([...ids])) as Array<Contact | undefined>;
  return contacts.filter((c): c is Contact => !!c && !c.accountId);
}
