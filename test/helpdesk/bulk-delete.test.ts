import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { pad } from '../../src/store/db.js';
import { apiError, departmentId, person, ticketByMail, type Person } from './fixture.js';

// Bulk "delete permanently": admins only, tickets in the Trash only, and nothing of a
// deleted ticket is left to find — not in lists, not in search, not its messages.

describe('bulk delete permanently', () => {
  let app: TestApp;
  let jane: Person;
  beforeAll(async () => {
    app = await startTestApp();
    jane = await person(app, 'agent', 'jane', [await departmentId(app, 'Support')]);
  });
  afterAll(() => app.close());

  const bulk = (who: { api: TestApp['api'] }, numbers: number[], action: string) => who.api('/api/v1/tickets/bulk', { method: 'POST', json: { numbers, action } });
  const search = async (q: string, view = 'all') => (await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(q)}&view=${view}`))).items.map((t: any) => t.number);

  it('refuses agents as a whole, with a code, and touches nothing', async () => {
    const n = await ticketByMail(app, 'Agent cannot purge me');
    await bulk(app, [n], 'trash');
    expect(await apiError(bulk(jane, [n], 'delete'))).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await app.api(`/api/v1/tickets/${n}`)).status).toBe(200);
  });

  it('purges trashed tickets with their messages and search entries, and refuses ones outside the Trash', async () => {
    const a = await ticketByMail(app, 'Xylophone repair one');
    const b = await ticketByMail(app, 'Xylophone repair two');
    const kept = await ticketByMail(app, 'Xylophone repair kept');
    const messageIds = (await json(app.api(`/api/v1/tickets/${a}`))).messages.map((m: any) => m.id);
    expect((await json(bulk(app, [a, b], 'trash'))).done).toBe(2);
    expect(await search('xylophone', 'trash')).toEqual([b, a]);

    const res = await bulk(app, [a, b, kept], 'delete');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ done: 2, failed: 1 });
    expect(body.results.find((r: any) => r.number === kept).error.code).toBe('not_in_trash');

    for (const n of [a, b]) expect((await app.api(`/api/v1/tickets/${n}`)).status).toBe(404);
    for (const id of messageIds) expect((await app.api(`/api/v1/messages/${id}`)).status).toBe(404);
    expect(await search('xylophone', 'trash')).toEqual([]);
    expect(await search('xylophone')).toEqual([kept]);
    expect((await json(app.api('/api/v1/tickets?view=trash'))).items.map((t: any) => t.number)).not.toContain(a);
    // No posting of the purged tickets is left in the index.
    const postings = await app.db.keys(app.db.sub.fts);
    expect(postings.filter((k) => k.endsWith(`:${pad(a, 10)}`) || k.endsWith(`:${pad(b, 10)}`))).toEqual([]);
    // The purge is in the audit log.
    const audit = (await json(app.api('/api/v1/audit'))).items.filter((e: any) => e.action === 'ticket.purge').map((e: any) => e.target);
    expect(audit).toEqual(expect.arrayContaining([String(a), String(b)]));
  });
});
