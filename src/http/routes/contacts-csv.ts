import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newId } from '../../store/ids.js';
import { contactByEmail, listContacts, putContact } from '../../store/directory.js';
import { accountForEmail, allAccounts, putAccount } from '../../store/accounts.js';
import { domainOf, isFreeMail } from '../../desk/accounts.js';
import { CsvError, formatCsv, parseCsv, plainField } from '../../desk/csv.js';
import type { Account, Contact } from '../../desk/types.js';
import { ApiError, forbidden } from '../errors.js';
import { userOf } from '../guard.js';

// Contacts as CSV: export all, import rows that create or update contacts. A row finds its
// contact by any of its addresses, primary or secondary, so a re-imported export updates
// instead of duplicating.

const COLUMNS = ['name', 'email', 'secondary_emails', 'phone', 'notes', 'account'] as const;
/** A contacts file of 5 MB is about 50 000 rows: more is a database, not a list. */
const MAX_CSV_BYTES = 5 * 1024 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

interface RowResult {
  line: number;
  outcome: 'created' | 'updated' | 'error';
  email?: string;
  message?: string;
}

function mayChangeContacts(req: FastifyRequest): void {
  if (userOf(req).role === 'basic') throw forbidden('Your role (basic) may read contacts, not import or export them.');
}

export async function contactCsvRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) => done(null, body));

  app.get('/contacts/export.csv', async (req, reply) => {
    mayChangeContacts(req);
    const rows: string[][] = [[...COLUMNS]];
    const accountNames = new Map((await allAccounts(db)).map((a) => [a.id, a.name] as const));
    let before: string | undefined;
    for (;;) {
      const page = await listContacts(db, { limit: 500, before });
      for (const c of page) rows.push([c.name, c.email, c.emails.filter((e) => e !== c.email).join(' '), c.phone ?? '', c.notes ?? '', (c.accountId && accountNames.get(c.accountId)) || '']);
      if (page.length < 500) break;
      before = page.at(-1)!.id;
    }
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="contacts.csv"').send(formatCsv(rows));
  });

  app.post('/contacts/import', {
    schema: { body: { type: 'string', minLength: 1 }, description: 'Content-Type: text/csv. Header row: name,email,secondary_emails,phone,notes,account (any order, email required; account names a company, created when new).' },
  }, async (req) => {
    mayChangeContacts(req);
    let records: string[][];
    try {
      records = parseCsv(req.body as string);
    } catch (err) {
      if (err instanceof CsvError) throw new ApiError(400, 'invalid_csv', `Line ${err.line}: ${err.message}`);
      throw err;
    }
    const header = (records.shift() ?? []).map((h) => h.trim().toLowerCase());
    if (!header.includes('email')) throw new ApiError(400, 'invalid_csv', `The first row must name the columns, email among them (${COLUMNS.join(',')}).`);
    const unknown = header.filter((h) => h && !(COLUMNS as readonly string[]).includes(h));
    if (unknown.length) throw new ApiError(400, 'invalid_csv', `Unknown column(s): ${unknown.join(', ')}. Known: ${COLUMNS.join(', ')}.`);
    const at = app.deps.now();
    // The account column names a company; a name no account has yet creates it.
    const accounts = new Map((await allAccounts(db)).map((a) => [a.name.trim().toLowerCase(), a] as const));
    const accountNamed = async (batch: Parameters<typeof putAccount>[1], name: string, email: string): Promise<Account> => {
      const known = accounts.get(name.toLowerCase());
      if (known) return known;
      // The row's domain comes with the new account, unless it is a public provider's or
      // already another account's: later mail from that domain then finds the company.
      const domain = domainOf(email);
      const free = isFreeMail(domain) || (await accountForEmail(db, email)) !== undefined;
      const a: Account = { id: newId(at), name, domains: free ? [] : [domain], notes: '', keyAccount: false, createdAt: at, updatedAt: at };
      putAccount(db, batch, a);
      accounts.set(name.toLowerCase(), a);
      return a;
    };
    // One group: every row reads what the rows before it wrote, and all of them commit at once.
    const results = await db.serial(() => db.group(async (batch) => {
      const out: RowResult[] = [];
      for (const [i, record] of records.entries()) {
        const line = i + 2;
        const get = (col: (typeof COLUMNS)[number]) => (header.indexOf(col) >= 0 ? plainField((record[header.indexOf(col)] ?? '').trim()) : undefined);
        const email = get('email')!.toLowerCase();
        const secondary = (get('secondary_emails') ?? '').split(/[\s;,]+/).filter(Boolean).map((e) => e.toLowerCase());
        const bad = [email, ...secondary].find((e) => !EMAIL.test(e));
        if (bad !== undefined) {
          out.push({ line, outcome: 'error', message: bad ? `${bad} is not an email address.` : 'The email column is empty.' });
          continue;
        }
        const owners = new Map<string, Contact>();
        for (const e of [email, ...secondary]) {
          const c = await contactByEmail(db, e);
          if (c) owners.set(c.id, c);
        }
        if (owners.size > 1) {
          out.push({ line, email, outcome: 'error', message: `Its addresses belong to ${owners.size} different contacts; merge them first.` });
          continue;
        }
        const previous = [...owners.values()][0];
        const accountName = get('account');
        const account = accountName ? await accountNamed(batch, accountName, email) : previous?.accountId ? undefined : await accountForEmail(db, email);
        const accountId = account?.id ?? previous?.accountId;
        const emails = [...new Set([...(previous?.emails ?? []), email, ...secondary])];
        const contact: Contact = {
          id: previous?.id ?? newId(at),
          name: get('name') || previous?.name || '',
          // The row's email column names the primary address; the others stay as secondary.
          email,
          emails,
          phone: get('phone') || previous?.phone,
          notes: get('notes') || previous?.notes,
          ...(previous?.fields ? { fields: previous.fields } : {}),
          ...(accountId ? { accountId } : {}),
          createdAt: previous?.createdAt ?? at,
          updatedAt: at,
        };
        putContact(db, batch, contact, previous);
        out.push({ line, email, outcome: previous ? 'updated' : 'created' });
      }
      return out;
    }, true));
    const count = (o: RowResult['outcome']) => results.filter((r) => r.outcome === o).length;
    return { created: count('created'), updated: count('updated'), errors: results.filter((r) => r.outcome === 'error') };
  });
}
