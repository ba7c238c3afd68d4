import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMail } from '../helpers/smtp-client.js';
import { json, mail, type TestApp, startTestApp } from '../helpers/app.js';
import { apiError, supportTeam, ticketByMail, type Person } from './fixture.js';

// Splitting a customer message off into a new ticket: the message moves, the new ticket has
// the same requester and the message's subject, both timelines say so, and lists, search and
// threading follow the message.

describe('split a message into a new ticket', () => {
  let app: TestApp;
  let jane: Person;
  let bea: Person;
  let sally: Person;
  beforeAll(async () => {
    app = await startTestApp();
    ({ jane, bea, sally } = await supportTeam(app));
  });
  afterAll(() => app.close());

  const customerWrites = async (subject: string, body: string, headers: Record<string, string> = {}, messageId?: string) => {
    const reply = await sendMail(app.smtpPort, { from: 'carl@customer.test', to: ['support@support.test'], message: mail({ from: 'Carl <carl@customer.test>', subject, body, headers, messageId }) });
    expect(reply.code).toBe(250);
    await app.ingestor.idle();
  };
  const ticket = (n: number, who: { api: TestApp['api'] } = app) => json(who.api(`/api/v1/tickets/${n}`));
  const search = async (q: string) => (await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(q)}`))).items.map((t: any) => t.number);
  const split = (who: { api: TestApp['api'] }, n: number, id: string) => who.api(`/api/v1/tickets/${n}/messages/${id}/split`, { method: 'POST' });

  it('moves the message to a new ticket of the same requester, with the message subject', async () => {
    const n = await ticketByMail(app, 'Printer broken', 'carl@customer.test');
    const secondId = '<lighthouse-question@customer.test>';
    await customerWrites(`Re: [#${n}] Lighthouse invoice wrong`, 'By the way, the lighthouse invoice is wrong.', {}, secondId);
    const before = await ticket(n);
    const moved = before.messages.find((m: any) => m.subject.includes('Lighthouse'));
    expect(moved).toBeDefined();
    expect(await search('lighthouse')).toEqual([n]);

    // A webhook for new tickets (its receiver is down; the delivery log shows what was sent).
    const hook = await json(app.api('/api/v1/webhooks', { method: 'POST', json: { url: 'http://127.0.0.1:9/hooks', events: ['ticket.created'] } }));
    const ticketCreatedDeliveries = async () => (await json(app.api(`/api/v1/webhooks/${hook.id}/deliveries`))).items.filter((d: any) => d.event === 'ticket.created').length;
    expect(await ticketCreatedDeliveries()).toBe(0);

    expect(await apiError(split(bea, n, moved.id))).toMatchObject({ status: 403 });
    expect(await apiError(split(sally, n, moved.id))).toMatchObject({ status: 404 });
    const res = await split(jane, n, moved.id);
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created).toMatchObject({ subject: 'Lighthouse invoice wrong', status: 'open', requester: { email: 'carl@customer.test' }, messageCount: 1, linkedTickets: [n] });
    expect(created.number).toBeGreaterThan(n);
    expect(created.messages.map((m: any) => m.id)).toEqual([moved.id]);
    await app.webhooks.idle();
    expect(await ticketCreatedDeliveries()).toBe(1);

    const after = await ticket(n);
    expect(after.messages.map((m: any) => m.id)).not.toContain(moved.id);
    expect(after.messageCount).toBe(before.messageCount - 1);
    expect(after.linkedTickets).toContain(created.number);

    // Both timelines record it, with who did it.
    const line = async (x: number) => (await json(app.api(`/api/v1/tickets/${x}/timeline`))).items.find((e: any) => e.what === 'split');
    expect(await line(n)).toMatchObject({ by: { id: jane.id }, from: n, to: created.number });
    expect(await line(created.number)).toMatchObject({ by: { id: jane.id }, from: n, to: created.number });

    // Search and lists follow the message: its words find only the new ticket.
    expect(await search('lighthouse')).toEqual([created.number]);
    expect(await search('printer')).toEqual([n]);
    const open = (await json(jane.api('/api/v1/tickets?status=open'))).items.map((t: any) => t.number);
    expect(open).toEqual(expect.arrayContaining([n, created.number]));
    const contact = (await json(app.api('/api/v1/contacts?q=carl@customer.test'))).items[0];
    expect((await json(app.api(`/api/v1/contacts/${contact.id}`))).tickets.map((t: any) => t.number)).toEqual([created.number, n]);

    // The customer's answer to the split message joins the new ticket.
    await customerWrites('Re: Lighthouse invoice wrong', 'Here is the invoice number.', { 'In-Reply-To': secondId, References: secondId });
    expect((await ticket(created.number)).messageCount).toBe(2);
    expect((await ticket(n)).messageCount).toBe(after.messageCount);
  });

  it('refuses to split the only customer message, an outbound message or a message of another ticket', async () => {
    const n = await ticketByMail(app, 'Single message', 'dora@customer.test');
    const other = await ticketByMail(app, 'Another ticket', 'dora@customer.test');
    const t = await ticket(n);
    const inbound = t.messages.find((m: any) => m.direction === 'in');
    const ack = t.messages.find((m: any) => m.direction === 'out');
    expect(ack).toBeDefined();
    expect(await apiError(split(jane, n, ack.id))).toMatchObject({ status: 409, code: 'not_inbound' });
    expect(await apiError(split(jane, other, inbound.id))).toMatchObject({ status: 404 });
    // Without an acknowledgement the customer's mail is the ticket's only message: nothing to split from.
    expect((await app.api('/api/v1/settings', { method: 'PATCH', json: { acknowledge: false } })).status).toBe(200);
    const lone = await ticketByMail(app, 'Lonely', 'erin@customer.test');
    const loneTicket = await ticket(lone);
    expect(loneTicket.messages).toHaveLength(1);
    expect(await apiError(split(jane, lone, loneTicket.messages[0].id))).toMatchObject({ status: 409, code: 'only_message' });
    expect((await apiError(app.api(`/api/v1/tickets/${n}/messages/nope/split`, { method: 'POST' }))).status).toBe(400);
  });
});
