import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, person, ticketByMail, type Person } from './fixture.js';

// Contacts CSV: import creates or updates (matching any address of a contact), export
// gives back what an import reads, and a spreadsheet never runs a cell as a formula.

describe('contacts as CSV', () => {
  let app: TestApp;
  let basic: Person;
  const importCsv = (csv: string, who: { api: TestApp['api'] } = app) =>
    who.api('/api/v1/contacts/import', { method: 'POST', body: csv, headers: { 'Content-Type': 'text/csv' } });
  const contact = async (email: string) => (await json(app.api(`/api/v1/contacts?q=${encodeURIComponent(email)}`))).items[0];

  beforeAll(async () => {
    app = await startTestApp();
    basic = await person(app, 'basic', 'bea', []);
    await ticketByMail(app, 'Where is my parcel', 'carol@customer.test');
  });
  afterAll(() => app.close());

  it('imports rows, matching existing contacts by primary or secondary address', async () => {
    const csv = [
      'name,email,secondary_emails,phone,notes',
      'Dan Smith,dan@customer.test,dan.smith@home.test;ds@work.test,+44 20 1234,"Prefers mail, not calls"',
      'Carol Jones,carol.jones@home.test,carol@customer.test,,',
      'Nobody,not-an-address,,,',
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    const result = await json(res);
    expect(result).toMatchObject({ created: 1, updated: 1, errors: [{ line: 4, outcome: 'error' }] });
    expect(result.errors[0].message).toContain('not-an-address');
    expect(await contact('ds@work.test')).toMatchObject({ name: 'Dan Smith', email: 'dan@customer.test', phone: '+44 20 1234', notes: 'Prefers mail, not calls' });
    // Carol's contact came from her mail; the row found it by a secondary address and made the row's address primary.
    const carol = await contact('carol@customer.test');
    expect(carol).toMatchObject({ name: 'Carol Jones', email: 'carol.jones@home.test' });
    expect(carol.secondaryEmails).toContain('carol@customer.test');
  });

  it('exports what an import reads back as updates, with formulas defused', async () => {
    expect((await json(importCsv('email,name\r\nmallory@evil.test,=HYPERLINK("http://evil.test")\r\n'))).created).toBe(1);
    const res = await app.api('/api/v1/contacts/export.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = await res.text();
    expect(csv.split('\r\n')[0]).toBe('name,email,secondary_emails,phone,notes,account');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"")",mallory@evil.test`);
    expect(csv).toContain(`Dan Smith,dan@customer.test,dan.smith@home.test ds@work.test,'+44 20 1234,"Prefers mail, not calls"`);
    const again = await json(importCsv(csv));
    expect(again).toMatchObject({ created: 0, errors: [] });
    expect(again.updated).toBe(csv.trim().split('\r\n').length - 1);
    expect(await contact('dan@customer.test')).toMatchObject({ phone: '+44 20 1234' });
  });

  it('refuses bad files and basic agents with clear errors', async () => {
    expect(await apiError(importCsv('name,phone\r\nX,1\r\n'))).toMatchObject({ status: 400, code: 'invalid_csv' });
    expect(await apiError(importCsv('email,colour\r\na@b.test,red\r\n'))).toMatchObject({ status: 400, code: 'invalid_csv' });
    expect(await apiError(importCsv('email,name\r\na@b.test,"never closed\r\n'))).toMatchObject({ status: 400, code: 'invalid_csv' });
    expect((await apiError(importCsv('email\r\na@b.test\r\n', basic))).status).toBe(403);
    expect((await apiError(basic.api('/api/v1/contacts/export.csv'))).status).toBe(403);
  });
});
