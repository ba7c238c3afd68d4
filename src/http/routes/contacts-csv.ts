import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newId } from '../../store/ids.js';
import { contactByEmail, listContacts, putContact } from '../../store/directory.js';
import { CsvError, formatCsv, parseCsv, plainField } from '../../desk/csv.js';
import type { Contact } from '../../desk/types.js';
import { ApiError, forbidden } from '../errors.js';
import { userOf } from '../guard.js';

// Contacts as CSV: export all, import rows that create or update contacts. A row finds its
// contact by any of its addresses, primary or secondary, so a re-imported export updates
// instead of duplicating.

const COLUMNS = ['name', 'email', 'secondary_emails', 'phone', 'notes'] as const;
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
    let before: string | undefined;
    for (;;) {
      const page = await listContacts(db, { limit: 500, before });
      for (const c of page) rows.push([c.name, c.email, c.emails.filter((e) => e !== c.email).join(' '), c.phone ?? '', c.notes ?? '']);
      if (page.length < 500) break;
      before = page.at(-1)!.id;
    }
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="contacts.csv"').send(formatCsv(rows));
  });

  app.post('/contacts/import', {
    schema: { body: { type: 'string', minLength: 1 }, description: 'Content-Type: text/csv. Header row: name,email,secondary_emails,phone,notes (any order, email required).' },
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
        const emails = [...new Set([...(previous?.emails ?? []), email, ...secondary])];
        const contact: Contact = {
          id: previous?.id ?? newId(at),
          name: get('name') || previous?.name || '',
          // The row's email column names the primary address; the others stay as secondary.
          email,
          emails,
          phone: get('phone') || previous?.phone,
          notes: get('notes') || previous?.notes,
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
