import { Batch, type Db } from './db.js';
import { linkContact } from './accounts.js';
import { DEFAULT_SETTINGS, type Contact, type Department, type DeskSettings, type SupportAddress, type User } from '../desk/types.js';

// Departments, support addresses, users, contacts and settings.

export async function getSettings(db: Db): Promise<DeskSettings> {
  // Read for every mail; kept in memory until it is written (Db.cached).
  const stored = await db.cached(db.sub.meta, 'settings', () => db.get<Partial<DeskSettings>>(db.sub.meta, 'settings'));
  return { ...DEFAULT_SETTINGS, ...stored };
}

export function putSettings(db: Db, batch: Batch, settings: DeskSettings): void {
  batch.put(db.sub.meta, 'settings', settings);
}

export function listDepartments(db: Db): Promise<Department[]> {
  // Every ticket list names departments: kept in memory until one is written (Db.cached).
  return db.cached(db.sub.dept, null, () => db.values<Department>(db.sub.dept));
}

export function getDepartment(db: Db, id: string): Promise<Department | undefined> {
  return db.cached(db.sub.dept, id, () => db.get<Department>(db.sub.dept, id));
}

export function putDepartment(db: Db, batch: Batch, d: Department): void {
  batch.put(db.sub.dept, d.id, d);
}

export function listSupportAddresses(db: Db): Promise<SupportAddress[]> {
  return db.values<SupportAddress>(db.sub.addr);
}

export function getSupportAddress(db: Db, address: string): Promise<SupportAddress | undefined> {
  // Read for every agent notice and acknowledgement: kept in memory until written (Db.cached).
  const key = address.toLowerCase();
  return db.cached(db.sub.addr, key, () => db.get<SupportAddress>(db.sub.addr, key));
}

export function putSupportAddress(db: Db, batch: Batch, a: SupportAddress): void {
  batch.put(db.sub.addr, a.address.toLowerCase(), a);
}

export function delSupportAddress(db: Db, batch: Batch, address: string): void {
  batch.del(db.sub.addr, address.toLowerCase());
}

export function listDomains(db: Db): Promise<string[]> {
  return db.get<string[]>(db.sub.meta, 'domains').then((d) => d ?? []);
}

export function putDomains(db: Db, batch: Batch, domains: string[]): void {
  batch.put(db.sub.meta, 'domains', domains);
}

export async function userByEmail(db: Db, email: string): Promise<User | undefined> {
  const id = await db.get<string>(db.sub.login, email.toLowerCase());
  return id ? db.get<User>(db.sub.user, id) : undefined;
}

export function getUser(db: Db, id: string): Promise<User | undefined> {
  // Read for every agent told of every new mail: kept in memory until the user is written.
  return db.cached(db.sub.user, id, () => db.get<User>(db.sub.user, id));
}

export function listUsers(db: Db): Promise<User[]> {
  // Every ticket list names assignees: kept in memory until a user is written (Db.cached).
  return db.cached(db.sub.user, null, () => db.values<User>(db.sub.user));
}

export function putUser(db: Db, batch: Batch, u: User, previous?: User): void {
  if (previous && previous.email !== u.email) batch.del(db.sub.login, previous.email);
  batch.put(db.sub.user, u.id, u);
  batch.put(db.sub.login, u.email.toLowerCase(), u.id);
}

export async function contactByEmail(db: Db, email: string): Promise<Contact | undefined> {
  const id = await db.get<string>(db.sub.email, email.toLowerCase());
  return id ? db.get<Contact>(db.sub.contact, id) : undefined;
}

export function putContact(db: Db, batch: Batch, c: Contact, previous?: Contact): void {
  for (const e of previous?.emails ?? []) if (!c.emails.includes(e)) batch.del(db.sub.email, e.toLowerCase());
  batch.put(db.sub.contact, c.id, c);
  for (const e of c.emails) batch.put(db.sub.email, e.toLowerCase(), c.id);
  linkContact(db, batch, c, previous);
}

/** Removes a contact record (merged away); its addresses are the caller's to move. */
export function delContact(db: Db, batch: Batch, c: Contact): void {
  batch.del(db.sub.contact, c.id);
  linkContact(db, batch, { id: c.id, accountId: undefined }, c);
}

export function getContact(db: Db, id: string): Promise<Contact | undefined> {
  return db.get<Contact>(db.sub.contact, id);
}

/** Contacts by creation, newest first, after the `before` id when paging. */
export function listContacts(db: Db, opts: { limit: number; before?: string }): Promise<Contact[]> {
  return db.values<Contact>(db.sub.contact, { reverse: true, limit: opts.limit, ...(opts.before ? { lt: opts.before } : {}) });
}

/** Timestamps of recent events under a key, for per-sender rate limits. */
export async function recentEvents(db: Db, key: string, sinceMs: number): Promise<number[]> {
  const all = (await db.get<number[]>(db.sub.rate, key)) ?? [];
  return all.filter((t) => t >= sinceMs);
}

export function putEvents(db: Db, batch: Batch, key: string, times: number[]): void {
  batch.put(db.sub.rate, key, times);
}

export function delUser(db: Db, batch: Batch, u: User): void {
  batch.del(db.sub.user, u.id);
  batch.del(db.sub.login, u.email.toLowerCase());
}
