import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMail } from '../helpers/smtp-client.js';
import { json, mail, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { Batch, pad } from '../../src/store/db.js';
import { putSupportAddress } from '../../src/store/directory.js';
import { departmentId, person, ticketByMail, type Person } from './fixture.js';

const DAY = 86_400_000;

describe('ticket views, filters and sort orders', () => {
  let app: TestApp;
  let clock = Date.now();
  let jane: Person;
  let sales: string;
  const t: Record<string, number> = {};

  const numbers = async (query: string, who: { api: TestApp['api'] } = app) => {
    const res = await who.api(`/api/v1/tickets?${query}`);
    expect(res.status, query).toBe(200);
    return (await json(res)).items.map((x: any) => x.number);
  };
  const patch = (n: number, body: unknown) => app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: body });
  const tick = () => (clock += 1000);

  beforeAll(async () => {
    app = await startTestApp({ now: () => clock });
    const support = await departmentId(app, 'Support');
    sales = await departmentId(app, 'Sales');
    jane = await person(app, 'agent', 'jane', [support, sales]);
    // A second support address, routed to Sales.
    await app.db.commit(putSupportAddressBatch(app, sales));
    await app.reloadRouting();

    for (const name of ['vip', 'waiting', 'sales', 'closed']) {
      tick();
      t[name] = await ticketByMail(app, `Ticket ${name}`);
    }
    tick();
    const r = await sendMail(app.smtpPort, { from: 'erin@customer.test', to: ['sales@support.test'], message: mail({ from: 'erin@customer.test', to: 'sales@support.test', subject: 'Ticket alias' }) });
    expect(r.code).toBe(250);
    await app.ingestor.idle();
    t.alias = (await json(app.api('/api/v1/tickets?q=ticket%20alias'))).items[0].number;

    tick();
    await patch(t.vip!, { priority: 'urgent', tags: ['vip'], assigneeId: jane.id, dueAt: clock - DAY });
    tick();
    await patch(t.waiting!, { status: 'waiting', priority: 'low', tags: ['VIP', 'slow'], dueAt: clock + 5 * DAY });
    tick();
    await patch(t.sales!, { priority: 'high', departmentId: sales, dueAt: clock + DAY });
    tick();
    await patch(t.closed!, { status: 'closed', dueAt: clock - 2 * DAY });
  });
  afterAll(() => app.close());

  it('filters by status, assignee, department, support address, tag and priority', async () => {
    expect(await numbers('status=waiting')).toEqual([t.waiting]);
    expect(await numbers('status=closed')).toEqual([t.closed]);
    expect(await numbers('view=mine', jane)).toEqual([t.vip]);
    expect(await numbers('view=mine')).toEqual([]);
    expect(await numbers('view=unassigned')).toEqual([t.closed, t.sales, t.waiting, t.alias]);
    expect(await numbers(`department=${sales}`)).toEqual([t.sales, t.alias]);
    expect(await numbers('alias=Sales@support.test')).toEqual([t.alias]);
    expect(await numbers('tag=vip')).toEqual([t.waiting, t.vip]);
    expect(await numbers('tag=vip&status=open')).toEqual([t.vip]);
    expect(await numbers('priority=high')).toEqual([t.sales]);
    expect(await numbers(`assignee=${jane.id}`)).toEqual([t.vip]);
  });

  it('shows high-priority and overdue views; closed tickets are never overdue', async () => {
    expect(await numbers('view=high-priority')).toEqual([t.vip, t.sales]);
    expect(await numbers('view=overdue')).toEqual([t.vip]);
    clock += 2 * DAY; // now the Sales ticket is late too
    expect(await numbers('view=overdue')).toEqual([t.vip, t.sales]);
    clock -= 2 * DAY;
  });

  it('sorts by updated, created, priority and due date', async () => {
    expect(await numbers('')).toEqual([t.closed, t.sales, t.waiting, t.vip, t.alias]);
    expect(await numbers('sort=created')).toEqual([t.alias, t.closed, t.sales, t.waiting, t.vip]);
    expect(await numbers('sort=priority')).toEqual([t.vip, t.sales, t.closed, t.alias, t.waiting]);
    // Soonest due first; tickets without a due date last.
    expect(await numbers('sort=due')).toEqual([t.closed, t.vip, t.sales, t.waiting, t.alias]);
    expect(await numbers('sort=due&status=open')).toEqual([t.vip, t.sales, t.alias]);
  });

  it('pages through any view with a cursor, without gaps or repeats', async () => {
    for (const query of ['sort=updated', 'sort=created', 'sort=priority', 'sort=due', 'view=unassigned']) {
      const all = await numbers(query);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await json(app.api(`/api/v1/tickets?${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
        seen.push(...page.items.map((x: any) => x.number));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, query).toEqual(all);
    }
  });

  it('applies department visibility inside every view', async () => {
    const support = await departmentId(app, 'Support');
    const sam = await person(app, 'agent', 'sam', [support]);
    expect(await numbers('sort=priority', sam)).toEqual([t.vip, t.closed, t.waiting]);
    expect(await numbers(`department=${sales}`, sam)).toEqual([]);
  });

  it('lists the tickets of all an agent\'s departments, and only those, newest first and page by page', async () => {
    const billing = await departmentId(app, 'Billing');
    tick();
    const hidden = await ticketByMail(app, 'Billing only');
    await patch(hidden, { departmentId: billing });
    // Jane is in Support and Sales; the Billing ticket is not hers to see.
    const all = await numbers('');
    expect(all[0]).toBe(hidden);
    const hers = all.filter((n: number) => n !== hidden);
    expect(await numbers('', jane)).toEqual(hers);
    expect(await numbers('status=open', jane)).toEqual([t.sales, t.vip, t.alias]);
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await json(jane.api(`/api/v1/tickets?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      paged.push(...page.items.map((x: any) => x.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(hers);
  });
});

function putSupportAddressBatch(app: TestApp, departmentId: string): Batch {
  const batch = new Batch();
  putSupportAddress(app.db, batch, { address: 'sales@support.test', name: 'Sales', departmentId, intake: true, isDefault: false, createdAt: Date.now() });
  return batch;
}

describe('tickets written before the help-desk fields existed', () => {
  const dataDir = tempDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('still load, list in every view after the index rebuild, and can be updated', async () => {
    let app = await startTestApp({ dataDir });
    const n = await ticketByMail(app, 'Old ticket');
    // Rewrite it as the first release stored it: none of the new fields, old index layout.
    const key = pad(n, 10);
    const stored = await app.db.sub.ticket.get(key);
    for (const field of ['priority', 'severity', 'dueAt', 'tags', 'assigneeId', 'customFields', 'links', 'statusChangedAt']) delete stored[field];
    await app.db.sub.tidx.clear();
    const batch = new Batch()
      .put(app.db.sub.ticket, key, stored)
      .put(app.db.sub.tidx, `u:${pad(stored.updatedAt)}:${key}`, '')
      .put(app.db.sub.tidx, `s:open:${pad(stored.updatedAt)}:${key}`, '')
      .del(app.db.sub.meta, 'tidx:version');
    await app.db.commit(batch);
    await app.close();

    app = await startTestApp({ dataDir });
    try {
      expect(await json(app.api(`/api/v1/tickets/${n}`))).toMatchObject({ priority: 'medium', severity: 'S3', tags: [], assignee: null, dueAt: null, customFields: {}, links: [] });
      for (const q of ['view=unassigned', 'sort=created', 'sort=priority', 'sort=due']) {
        expect((await json(app.api(`/api/v1/tickets?${q}`))).items.map((x: any) => x.number), q).toEqual([n]);
      }
      expect((await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { tags: ['legacy'] } })).status).toBe(200);
      expect((await json(app.api('/api/v1/tickets?tag=legacy'))).items.map((x: any) => x.number)).toEqual([n]);
      expect((await json(app.api('/api/v1/tickets?view=unassigned'))).items).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
