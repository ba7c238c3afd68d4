import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { departmentId, person, ticketByMail, type Person } from './fixture.js';

// Search results follow every change at once: a status, tag, assignee or department change,
// a merge, the Trash and a purge. No result shows a ticket as it was.

describe('search results are never stale', () => {
  let app: TestApp;
  let support: string;
  let sales: string;
  let jane: Person;
  beforeAll(async () => {
    app = await startTestApp();
    support = await departmentId(app, 'Support');
    sales = await departmentId(app, 'Sales');
    jane = await person(app, 'agent', 'jane', [support]);
  });
  afterAll(() => app.close());

  const search = async (q: string, extra = '', who: { api: TestApp['api'] } = app) => {
    const res = await who.api(`/api/v1/tickets?q=${encodeURIComponent(q)}${extra}`);
    expect(res.status).toBe(200);
    return (await json(res)).items;
  };
  const numbers = async (q: string, extra = '', who: { api: TestApp['api'] } = app) => (await search(q, extra, who)).map((t: any) => t.number);
  const patch = (n: number, body: unknown) => app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: body });

  it('filters by the status, tags, assignee and department the ticket has now', async () => {
    const n = await ticketByMail(app, 'Quokka enclosure leaking');
    expect(await numbers('quokka', '&status=open')).toEqual([n]);
    await patch(n, { status: 'hold', tags: ['plumbing'], assigneeId: jane.id });
    expect(await numbers('quokka', '&status=open')).toEqual([]);
    expect(await numbers('quokka', '&status=hold')).toEqual([n]);
    expect(await numbers('quokka', '&tag=plumbing')).toEqual([n]);
    expect(await numbers('quokka', '&view=mine', jane)).toEqual([n]);
    expect((await search('quokka'))[0]).toMatchObject({ status: 'hold', tags: ['plumbing'], assignee: { id: jane.id } });
    await patch(n, { removeTags: ['plumbing'], assigneeId: null });
    expect(await numbers('quokka', '&tag=plumbing')).toEqual([]);
    expect(await numbers('quokka', '&view=mine', jane)).toEqual([]);
    // Moved to a department Jane is not in: her search no longer shows it.
    expect(await numbers('quokka', '', jane)).toEqual([n]);
    await patch(n, { departmentId: sales });
    expect(await numbers('quokka', '', jane)).toEqual([]);
    expect(await numbers('quokka', `&department=${sales}`)).toEqual([n]);
    expect(await numbers('quokka', `&department=${support}`)).toEqual([]);
  });

  it('shows a merged ticket only as the ticket it went into, found by the words of both', async () => {
    const source = await ticketByMail(app, 'Wombat burrow question');
    const target = await ticketByMail(app, 'Numbat feeding question');
    expect((await app.api(`/api/v1/tickets/${source}/merge`, { method: 'POST', json: { into: target } })).status).toBe(200);
    expect(await numbers('wombat')).toEqual([target]);
    expect(await numbers('numbat')).toEqual([target]);
    // The old number reads as the ticket it went into, in search as in links.
    expect(await numbers(`#${source}`)).toEqual([target]);
  });

  it('moves trashed tickets to the Trash view and drops purged ones', async () => {
    const n = await ticketByMail(app, 'Platypus egg missing');
    await app.api(`/api/v1/tickets/${n}/trash`, { method: 'POST' });
    expect(await numbers('platypus')).toEqual([]);
    expect(await numbers('platypus', '&view=trash')).toEqual([n]);
    await app.api(`/api/v1/tickets/${n}/restore`, { method: 'POST' });
    expect(await numbers('platypus')).toEqual([n]);
    await app.api(`/api/v1/tickets/${n}/trash`, { method: 'POST' });
    expect((await app.api(`/api/v1/tickets/${n}`, { method: 'DELETE' })).status).toBe(204);
    expect(await numbers('platypus', '&view=trash')).toEqual([]);
    expect(await numbers('platypus')).toEqual([]);
  });
});
