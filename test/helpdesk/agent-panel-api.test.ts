import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { startRelay, type Relay } from '../outbound/relays.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { apiError, departmentId, person, ticketByMail, type Person } from './fixture.js';

// The routes the panel's agent screens added: a new outbound mail that opens a ticket,
// canned replies, and the inbox folders' counts — each with its role rule.

describe('new mail, canned replies and folder counts over the API', () => {
  let app: TestApp;
  let relay: Relay;
  let agent: Person;
  let basic: Person;
  let salesAgent: Person;

  beforeAll(async () => {
    [app, relay] = await Promise.all([startTestApp(), startRelay('plain')]);
    await addFromAddress(app, relay);
    const support = await departmentId(app, 'Support');
    agent = await person(app, 'agent', 'sam', [support]);
    basic = await person(app, 'basic', 'bob', [support]);
    salesAgent = await person(app, 'agent', 'sally', [await departmentId(app, 'Sales')]);
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
  });

  const received = (text: string) => relay.received.filter((r) => r.raw.includes(text));

  it('opens a Waiting ticket for the first To, mails it through the relay, and threads the answer back', async () => {
    const res = await agent.api('/api/v1/tickets', {
      method: 'POST',
      json: { to: ['carol@customer.test', { email: 'dave@customer.test', name: 'Dave' }], cc: ['erin@customer.test'], subject: 'Your renewal', text: 'Your licence renews next week.', attachments: [{ filename: 'quote.txt', contentType: 'text/plain', content: Buffer.from('QUOTE 99').toString('base64') }] },
    });
    expect(res.status).toBe(201);
    const { number, messageId } = await json(res);
    const ticket = await json(app.api(`/api/v1/tickets/${number}`));
    expect(ticket).toMatchObject({ subject: 'Your renewal', status: 'waiting', requester: { email: 'carol@customer.test' }, messageCount: 1 });
    expect(ticket.participants).toEqual(expect.arrayContaining(['carol@customer.test', 'dave@customer.test', 'erin@customer.test']));
    expect(ticket.messages[0]).toMatchObject({ direction: 'out', messageId, author: { id: agent.id } });
    expect(ticket.contactId).toBeTruthy();

    await expect.poll(() => received('Your licence renews next week.').length, { timeout: 10_000 }).toBe(1);
    const sent = received('Your licence renews next week.')[0]!;
    expect(sent.rcptTo.sort()).toEqual(['carol@customer.test', 'dave@customer.test', 'erin@customer.test']);
    const parsed = await simpleParser(sent.raw);
    expect(parsed.messageId).toBe(messageId);
    // A first mail: no "Re:", no In-Reply-To, but the ticket's token.
    expect(parsed.subject).toBe(`[#${number}] Your renewal`);
    expect(parsed.inReplyTo).toBeUndefined();
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['quote.txt', 'QUOTE 99']]);

    // Carol answers without the token in the subject: In-Reply-To alone brings her back.
    const answer = await sendMail(app.smtpPort, { from: 'carol@customer.test', to: ['support@support.test'], message: mail({ from: 'carol@customer.test', subject: 'Re: renewal', body: 'Thanks, renew it.', headers: { 'In-Reply-To': messageId } }) });
    expect(answer.code).toBe(250);
    await app.ingestor.idle();
    const after = await json(app.api(`/api/v1/tickets/${number}`));
    expect(after.messages.map((m: any) => m.direction)).toEqual(['out', 'in']);
    expect(after.status).toBe('open');
  });

  it('refuses a basic agent with 403, a department the agent is not in, our own address as customer, and bad fields with 400', async () => {
    const body = { to: ['x@customer.test'], subject: 'Hello', text: 'Hi' };
    const tickets = async () => (await json(app.api('/api/v1/tickets/counts'))).counts.all;
    const before = await tickets();
    expect(await apiError(basic.api('/api/v1/tickets', { method: 'POST', json: body }))).toMatchObject({ status: 403, code: 'forbidden' });
    const support = await departmentId(app, 'Support');
    expect(await apiError(salesAgent.api('/api/v1/tickets', { method: 'POST', json: { ...body, departmentId: support } }))).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await apiError(agent.api('/api/v1/tickets', { method: 'POST', json: { ...body, to: ['support@support.test'] } }))).toMatchObject({ status: 400, code: 'invalid_to' });
    expect(await apiError(agent.api('/api/v1/tickets', { method: 'POST', json: { ...body, from: 'nobody@support.test' } }))).toMatchObject({ status: 400, code: 'invalid_from' });
    expect(await apiError(agent.api('/api/v1/tickets', { method: 'POST', json: { ...body, to: [] } }))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await apiError(agent.api('/api/v1/tickets', { method: 'POST', json: { ...body, subject: '   ' } }))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await apiError(agent.api('/api/v1/tickets', { method: 'POST', json: { ...body, to: ['not an address'] } }))).toMatchObject({ status: 400, code: 'invalid_request' });
    // The session cookie alone is not enough: a page elsewhere cannot send mail as the agent.
    const forged = await apiError(agent.api('/api/v1/tickets', { method: 'POST', json: body, headers: { 'x-csrf-token': 'forged' } }));
    expect(forged).toMatchObject({ status: 403, code: 'csrf' });
    // None of them opened a ticket.
    expect(await tickets()).toBe(before);
  });

  it('lets everyone read canned replies and only admins write them', async () => {
    const created = await app.api('/api/v1/canned-replies', { method: 'POST', json: { name: 'Shipped', text: 'Your order has shipped.' } });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    expect(await apiError(app.api('/api/v1/canned-replies', { method: 'POST', json: { name: 'shipped', text: 'again' } }))).toMatchObject({ status: 409, code: 'name_taken' });
    for (const p of [agent, basic]) {
      expect((await json(p.api('/api/v1/canned-replies'))).items).toEqual([expect.objectContaining({ id, name: 'Shipped', text: 'Your order has shipped.' })]);
      expect(await apiError(p.api('/api/v1/canned-replies', { method: 'POST', json: { name: 'Mine', text: 'x' } }))).toMatchObject({ status: 403, code: 'forbidden' });
      expect(await apiError(p.api(`/api/v1/canned-replies/${id}`, { method: 'DELETE' }))).toMatchObject({ status: 403, code: 'forbidden' });
    }
    expect(await apiError(app.api('/api/v1/canned-replies', { method: 'POST', json: { name: 'Empty' } }))).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((await app.api(`/api/v1/canned-replies/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(agent.api('/api/v1/canned-replies'))).items).toEqual([]);
    expect(await apiError(app.api(`/api/v1/canned-replies/${id}`, { method: 'DELETE' }))).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('counts each folder as its list shows it, only what the user may see, and moves when mail arrives', async () => {
    const counts = async (p: Pick<Person, 'api'>, status = 'open') => (await json(p.api(`/api/v1/tickets/counts?status=${status}`))).counts;
    const listed = async (p: Pick<Person, 'api'>, view: string) => (await json(p.api(`/api/v1/tickets?status=open&limit=200${view === 'all' ? '' : `&view=${view}`}`))).items.length;
    const before = await counts(agent);
    const number = await ticketByMail(app, 'Counting sheep');
    const after = await counts(agent);
    expect(after.all).toBe(before.all + 1);
    expect(after.unassigned).toBe(before.unassigned + 1);
    expect((await app.api(`/api/v1/tickets/${number}`, { method: 'PATCH', json: { assigneeId: agent.id, priority: 'urgent' } })).status).toBe(200);
    expect((await agent.api('/api/v1/tickets/bulk', { method: 'POST', json: { numbers: [number], action: 'star' } })).status).toBe(200);
    const mine = await counts(agent);
    expect(mine).toMatchObject({ mine: 1, unassigned: before.unassigned, 'high-priority': before['high-priority'] + 1, starred: 1 });
    for (const view of ['all', 'mine', 'unassigned', 'high-priority', 'starred']) expect(mine[view]).toBe(await listed(agent, view));
    // Overdue: due before now; a due date later in the future is not.
    expect((await app.api(`/api/v1/tickets/${number}`, { method: 'PATCH', json: { dueAt: Date.now() - 60_000 } })).status).toBe(200);
    const late = await ticketByMail(app, 'Due later');
    expect((await app.api(`/api/v1/tickets/${late}`, { method: 'PATCH', json: { dueAt: Date.now() + 86_400_000 } })).status).toBe(200);
    expect((await counts(agent)).overdue).toBe(before.overdue + 1);
    expect((await counts(agent)).overdue).toBe(await listed(agent, 'overdue'));
    // Sales sees none of Support's tickets, so counts none of them.
    expect(await counts(salesAgent)).toMatchObject({ all: 0, unassigned: 0, 'high-priority': 0, trash: 0 });
    expect((await app.api(`/api/v1/tickets/${number}/trash`, { method: 'POST' })).status).toBe(200);
    expect(await counts(agent)).toMatchObject({ all: before.all + 1, mine: 0, overdue: before.overdue, trash: 1 });
    expect(await apiError(agent.api('/api/v1/tickets/counts?status=done'))).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});
