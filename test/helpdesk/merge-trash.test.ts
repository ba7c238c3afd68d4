import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMail } from '../helpers/smtp-client.js';
import { ADMIN, baseUrl, json, login, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, departmentId, person, ticketByMail, type Person } from './fixture.js';

const DAY = 86_400_000;

describe('merging tickets', () => {
  let app: TestApp;
  let jane: Person;
  beforeAll(async () => {
    app = await startTestApp();
    jane = await person(app, 'agent', 'jane', [await departmentId(app, 'Support')]);
  });
  afterAll(() => app.close());

  it('moves messages, participants, tags and comments into the target; the old number leads there', async () => {
    const target = await ticketByMail(app, 'Order 55 missing', 'alice@customer.test');
    const source = await ticketByMail(app, 'Where is order 55?', 'bob@customer.test');
    await jane.api(`/api/v1/tickets/${source}`, { method: 'PATCH', json: { tags: ['shipping'] } });
    await jane.api(`/api/v1/tickets/${source}/comments`, { method: 'POST', json: { text: 'Same as the other one.' } });
    const before = await json(app.api(`/api/v1/tickets/${target}`));
    const sourceBefore = await json(app.api(`/api/v1/tickets/${source}`));

    const res = await jane.api(`/api/v1/tickets/${source}/merge`, { method: 'POST', json: { into: target } });
    expect(res.status).toBe(200);
    const merged = await json(res);
    expect(merged.number).toBe(target);
    expect(merged.messages).toHaveLength(before.messages.length + sourceBefore.messages.length);
    expect(merged.participants).toEqual(expect.arrayContaining(['alice@customer.test', 'bob@customer.test']));
    expect(merged.tags).toEqual(['shipping']);
    expect((await json(app.api(`/api/v1/tickets/${target}/comments`))).items.map((c: any) => c.text)).toEqual(['Same as the other one.']);
    // The old number reads as the target, and is listed nowhere on its own.
    expect((await json(app.api(`/api/v1/tickets/${source}`))).number).toBe(target);
    expect((await json(app.api('/api/v1/tickets'))).items.map((t: any) => t.number)).not.toContain(source);
    expect((await json(app.api(`/api/v1/tickets/${target}/timeline`))).items.at(-1)).toMatchObject({ what: 'merged', from: source, to: target });

    // Changes and comments made through the old number land in the target.
    await jane.api(`/api/v1/tickets/${source}`, { method: 'PATCH', json: { priority: 'high' } });
    await jane.api(`/api/v1/tickets/${source}/comments`, { method: 'POST', json: { text: 'Via the old number.' } });
    expect((await json(app.api(`/api/v1/tickets/${target}/timeline`))).items.at(-1)).toMatchObject({ what: 'comment', note: 'Via the old number.' });
    expect((await json(app.api(`/api/v1/tickets/${source}/comments`))).items.map((c: any) => c.text)).toEqual(['Same as the other one.', 'Via the old number.']);
    expect((await json(app.api(`/api/v1/tickets/${target}`))).priority).toBe('high');

    // The customer answers the old ticket by its subject token: the mail joins the target.
    const reply = mail({ from: 'Bob <bob@customer.test>', subject: `Re: [#${source}] Where is order 55?` });
    await sendMail(app.smtpPort, { from: 'bob@customer.test', to: ['support@support.test'], message: reply });
    await app.ingestor.idle();
    expect((await json(app.api(`/api/v1/tickets/${target}`))).messages).toHaveLength(merged.messages.length + 1);

    expect(await apiError(jane.api(`/api/v1/tickets/${source}/merge`, { method: 'POST', json: { into: target } }))).toMatchObject({ status: 409, code: 'already_merged' });
    expect(await apiError(jane.api(`/api/v1/tickets/${target}/merge`, { method: 'POST', json: { into: target } }))).toMatchObject({ status: 409, code: 'same_ticket' });
  });

  it('lets only who may change both tickets merge them', async () => {
    const bea = await person(app, 'basic', 'bea', [await departmentId(app, 'Support')]);
    const a = await ticketByMail(app, 'Dup A');
    const b = await ticketByMail(app, 'Dup B');
    expect((await bea.api(`/api/v1/tickets/${a}/merge`, { method: 'POST', json: { into: b } })).status).toBe(403);
    const sales = await departmentId(app, 'Sales');
    await app.api(`/api/v1/tickets/${b}`, { method: 'PATCH', json: { departmentId: sales } });
    expect((await jane.api(`/api/v1/tickets/${a}/merge`, { method: 'POST', json: { into: b } })).status).toBe(404);
  });
});

describe('the Trash', () => {
  let app: TestApp;
  let clock = Date.now();
  let jane: Person;
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock });
    jane = await person(app, 'agent', 'jane', [await departmentId(app, 'Support')]);
  });
  afterAll(() => app.close());

  const numbers = async (q = '') => (await json(app.api(`/api/v1/tickets?${q}`))).items.map((t: any) => t.number);

  it('hides trashed tickets from every view but the Trash, and restores them', async () => {
    const n = await ticketByMail(app, 'Spam offer');
    expect((await jane.api(`/api/v1/tickets/${n}/trash`, { method: 'POST' })).status).toBe(200);
    for (const q of ['', 'status=open', 'view=unassigned', 'sort=created', 'sort=due']) expect(await numbers(q), q).not.toContain(n);
    expect(await numbers('view=trash')).toEqual([n]);
    expect((await json(app.api(`/api/v1/tickets/${n}`))).deletedAt).toBe(clock);
    await jane.api(`/api/v1/tickets/${n}/restore`, { method: 'POST' });
    expect(await numbers('status=open')).toContain(n);
    expect(await numbers('view=trash')).toEqual([]);
  });

  it('deletes for good only by an admin, and by itself after 30 days', async () => {
    const byHand = await ticketByMail(app, 'Delete me now');
    const byTime = await ticketByMail(app, 'Delete me later');
    const detail = await json(app.api(`/api/v1/tickets/${byTime}`));
    expect(await apiError(app.api(`/api/v1/tickets/${byHand}`, { method: 'DELETE' }))).toMatchObject({ status: 409, code: 'not_in_trash' });
    const bulk = await json(jane.api('/api/v1/tickets/bulk', { method: 'POST', json: { numbers: [byHand, byTime], action: 'trash' } }));
    expect(bulk.done).toBe(2);
    expect((await jane.api(`/api/v1/tickets/${byHand}`, { method: 'DELETE' })).status).toBe(403);
    expect((await app.api(`/api/v1/tickets/${byHand}`, { method: 'DELETE' })).status).toBe(204);
    expect((await app.api(`/api/v1/tickets/${byHand}`)).status).toBe(404);

    clock += 29 * DAY;
    expect(await app.jobs.runPurge()).toEqual([]);
    clock += DAY;
    expect(await app.jobs.runPurge()).toEqual([byTime]);
    const admin = await login(baseUrl(app), ADMIN.email, ADMIN.password);
    expect((await admin(`/api/v1/tickets/${byTime}`)).status).toBe(404);
    // Its messages and their raw source are gone too.
    expect((await admin(`/api/v1/messages/${detail.messages[0].id}/raw`)).status).toBe(404);
    expect((await json(admin('/api/v1/audit'))).items.find((e: any) => e.action === 'ticket.purge')).toMatchObject({ target: String(byHand) });
  });
});
