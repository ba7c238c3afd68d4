import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMail } from '../helpers/smtp-client.js';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, departmentId, person, ticketByMail, type Person } from './fixture.js';

// The agent's mailbox: read/unread and starred per agent, and bulk actions on a selection.

describe('read, starred and bulk actions', () => {
  let app: TestApp;
  let jane: Person;
  let bea: Person;
  let sam: Person;
  let a: number;
  let b: number;
  let c: number;
  let other: number;

  beforeAll(async () => {
    app = await startTestApp();
    const support = await departmentId(app, 'Support');
    const sales = await departmentId(app, 'Sales');
    jane = await person(app, 'agent', 'jane', [support]);
    bea = await person(app, 'basic', 'bea', [support]);
    sam = await person(app, 'agent', 'sam', [support]);
    a = await ticketByMail(app, 'First');
    b = await ticketByMail(app, 'Second');
    c = await ticketByMail(app, 'Third');
    other = await ticketByMail(app, 'Sales only');
    await app.api(`/api/v1/tickets/${other}`, { method: 'PATCH', json: { departmentId: sales } });
  });
  afterAll(() => app.close());

  const rows = async (p: Person, query = '') => (await json(p.api(`/api/v1/tickets?${query}`))).items;
  const row = async (p: Person, n: number) => (await rows(p)).find((t: any) => t.number === n);
  const bulk = (p: Person, body: unknown) => p.api('/api/v1/tickets/bulk', { method: 'POST', json: body });

  it('marks a ticket read for the agent who opened it, and unread again when it changes', async () => {
    expect(await row(jane, a)).toMatchObject({ unread: true, starred: false });
    await jane.api(`/api/v1/tickets/${a}`);
    expect((await row(jane, a)).unread).toBe(false);
    // Sam has not read it.
    expect((await row(sam, a)).unread).toBe(true);
    // The customer writes again: unread for Jane too.
    const reply = mail({ from: 'Customer <alice@customer.test>', subject: `Re: [#${a}] First` });
    await sendMail(app.smtpPort, { from: 'alice@customer.test', to: ['support@support.test'], message: reply });
    await app.ingestor.idle();
    expect((await row(jane, a)).unread).toBe(true);
    // What Jane changes herself stays read for her, and becomes unread for Sam.
    await jane.api(`/api/v1/tickets/${a}`);
    await jane.api(`/api/v1/tickets/${a}/comments`, { method: 'POST', json: { text: 'On it.' } });
    await sam.api(`/api/v1/tickets/${a}`);
    await jane.api(`/api/v1/tickets/${a}`, { method: 'PATCH', json: { priority: 'high' } });
    expect((await row(jane, a)).unread).toBe(false);
    expect((await row(sam, a)).unread).toBe(true);
  });

  it('marks read/unread and stars in bulk, per agent, and lists the Starred folder', async () => {
    const res = await json(bulk(jane, { numbers: [a, b, c], action: 'read' }));
    expect(res).toMatchObject({ done: 3, failed: 0 });
    expect((await rows(jane)).filter((t: any) => t.unread).map((t: any) => t.number)).toEqual([]);
    await bulk(jane, { numbers: [b], action: 'unread' });
    expect((await row(jane, b)).unread).toBe(true);

    await bulk(jane, { numbers: [a, c], action: 'star' });
    // Newest update first: the customer wrote into the first ticket last.
    expect((await rows(jane, 'view=starred')).map((t: any) => t.number)).toEqual([a, c]);
    expect(await rows(sam, 'view=starred')).toEqual([]);
    await bulk(jane, { numbers: [c], action: 'unstar' });
    expect((await rows(jane, 'view=starred')).map((t: any) => t.number)).toEqual([a]);
    // A basic agent may star too: it changes nothing on the ticket.
    expect((await json(bulk(bea, { numbers: [b], action: 'star' }))).done).toBe(1);
  });

  it('assigns, tags and closes a selection, ticket by ticket under the same rules', async () => {
    const assign = await json(bulk(jane, { numbers: [a, b, other], action: 'assign', assigneeId: jane.id }));
    expect(assign.results).toEqual([
      { number: a, ok: true },
      { number: b, ok: true },
      { number: other, ok: false, error: { code: 'not_found', message: `Ticket #${other} does not exist.` } },
    ]);
    expect((await rows(jane, 'view=mine')).map((t: any) => t.number).sort()).toEqual([a, b].sort());

    await bulk(jane, { numbers: [a, b, c], action: 'tag', tags: ['Refund', 'q3'] });
    await bulk(jane, { numbers: [b], action: 'untag', tags: ['q3'] });
    expect((await rows(jane, 'tag=refund')).map((t: any) => t.number).sort()).toEqual([a, b, c].sort());
    expect((await rows(jane, 'tag=q3')).map((t: any) => t.number).sort()).toEqual([a, c].sort());

    const byBasic = await json(bulk(bea, { numbers: [a], action: 'close' }));
    expect(byBasic.results[0]).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await json(bulk(jane, { numbers: [a, c], action: 'close' }))).toMatchObject({ done: 2 });
    expect((await rows(jane, 'status=closed')).map((t: any) => t.number).sort()).toEqual([a, c].sort());
    expect((await json(jane.api('/api/v1/tasks'))).items.map((t: any) => t.ticketNumber)).toEqual([b]);
    await bulk(jane, { numbers: [a], action: 'reopen' });
    expect((await json(app.api(`/api/v1/tickets/${a}`))).status).toBe('open');
  });

  it('refuses a malformed selection with a clear error', async () => {
    expect(await apiError(bulk(jane, { numbers: [], action: 'read' }))).toMatchObject({ status: 400 });
    expect(await apiError(bulk(jane, { numbers: [a], action: 'assign' }))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await apiError(bulk(jane, { numbers: [a], action: 'explode' }))).toMatchObject({ status: 400 });
  });
});
