import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { departmentId, person, ticketByMail, type Person } from '../helpdesk/fixture.js';
import { addFromAddress, header } from '../outbound/fixtures.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { inbox as mailsIn, mailTo } from './inbox.js';

// Agents' notifications by mail, as each agent chooses: the mails leave through the
// outbound queue and a loopback relay, and the test reads the agents' inboxes there.

const ALL_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:59']]]));

describe('notification mails to agents', () => {
  let app: TestApp;
  let relay: Relay;
  let clock = Date.UTC(2026, 5, 1, 9);
  let jane: Person;
  let bob: Person;
  let carl: Person;
  let support: string;

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp({ now: () => clock });
    await addFromAddress(app, relay);
    support = (await json(app.api('/api/v1/support-addresses'))).items.find((a: any) => a.address === 'support@support.test').departmentId;
    jane = await person(app, 'agent', 'jane', [support]);
    bob = await person(app, 'agent', 'bob', [support]);
    carl = await person(app, 'agent', 'carl', [await departmentId(app, 'Elsewhere')]);
    expect((await app.api('/api/v1/templates', { method: 'PUT', json: { panelUrl: 'https://desk.example.test/' } })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
  });

  const inbox = (who: Person, subject: RegExp) => mailsIn(relay, who.email, subject);
  const mailFor = (who: Person, subject: RegExp) => mailTo(relay, who.email, subject);
  const notices = async (who: Person, kind: string) => (await json(who.api('/api/v1/notifications'))).items.filter((x: any) => x.kind === kind);
  const prefs = (who: Person, preferences: unknown) => who.api('/api/v1/users/me/notification-preferences', { method: 'PUT', json: { preferences } });

  it('mails the assignee, also after a bulk assign, through the relay and outside the ticket', async () => {
    const n = await ticketByMail(app, 'Broken hinge');
    const before = (await json(app.api(`/api/v1/tickets/${n}`))).messageCount;
    expect((await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { assigneeId: jane.id } })).status).toBe(200);
    const m = await mailFor(jane, new RegExp(`Assigned to you: #${n} Broken hinge`));
    expect(m.subject).toBe(`[mxdesk] Assigned to you: #${n} Broken hinge`);
    expect(m.from?.value[0]?.address).toBe('support@support.test');
    expect(m.text).toContain('Hello Jane,');
    expect(m.text).toContain(`assigned #${n} to you: Broken hinge`);
    expect(m.text).toContain(`https://desk.example.test/tickets/${n}`);
    expect(header(m, 'auto-submitted')).toBe('auto-generated');
    expect((await notices(jane, 'assigned')).map((x: any) => x.ticketNumber)).toEqual([n]);
    // The notice is no message of the ticket: the customer's conversation is unchanged.
    expect((await json(app.api(`/api/v1/tickets/${n}`))).messageCount).toBe(before);

    const k = await ticketByMail(app, 'Squeaky door');
    const bulk = await json(app.api('/api/v1/tickets/bulk', { method: 'POST', json: { numbers: [k], action: 'assign', assigneeId: bob.id } }));
    expect(bulk.done).toBe(1);
    await mailFor(bob, new RegExp(`Assigned to you: #${k}`));
  });

  it('never mails the agent who caused the event; tells the department of a new ticket as each chose', async () => {
    // Bob wants every new ticket by mail; Jane keeps the default (panel only); Carl is elsewhere.
    const set = await json(prefs(bob, { 'new-ticket': { mail: true } }));
    expect(set.preferences['new-ticket']).toEqual({ panel: true, mail: true });
    expect(set.preferences.assigned).toEqual({ panel: true, mail: true });
    expect((await json(jane.api('/api/v1/users/me/notification-preferences'))).preferences['new-ticket']).toEqual({ panel: true, mail: false });

    const n = await ticketByMail(app, 'Gate will not open');
    const m = await mailFor(bob, new RegExp(`New ticket: #${n}`));
    expect(m.text).toContain(`New ticket #${n} from Customer: Gate will not open`);
    await waitFor(async () => (await notices(jane, 'new-ticket')).some((x: any) => x.ticketNumber === n), 'Jane told in the panel');

    // Jane takes the ticket herself: no notice to her of her own doing.
    expect((await jane.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { assigneeId: jane.id } })).status).toBe(200);
    // The customer writes again: that is news for Jane, by mail.
    const reply = await sendMail(app.smtpPort, { from: 'alice@customer.test', to: ['support@support.test'], message: mail({ from: 'Customer <alice@customer.test>', subject: `Re: [#${n}] Gate will not open`, body: 'Any news?' }) });
    expect(reply.code).toBe(250);
    await app.ingestor.idle();
    const news = await mailFor(jane, new RegExp(`New reply: #${n}`));
    expect(news.text).toContain(`Customer wrote again on #${n}`);
    expect(await inbox(jane, new RegExp(`Assigned to you: #${n}`))).toEqual([]);
    expect((await notices(jane, 'assigned')).filter((x: any) => x.ticketNumber === n)).toEqual([]);
    expect(relay.received.some((r) => r.rcptTo.includes(carl.email))).toBe(false);
    expect(await notices(carl, 'new-ticket')).toEqual([]);
  });

  it('sends no mail for an event whose mail the agent switched off, and still shows it in the panel', async () => {
    expect((await prefs(jane, { assigned: { mail: false } })).status).toBe(200);
    expect((await jane.api('/api/v1/users/me/notification-preferences', { method: 'PUT', json: { preferences: { assigned: { sms: true } } } })).status).toBe(400);
    const n = await ticketByMail(app, 'Lost keys');
    expect((await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { assigneeId: jane.id } })).status).toBe(200);
    // A mention is still mailed; once it arrived, the assignment would have too.
    expect((await app.api(`/api/v1/tickets/${n}/comments`, { method: 'POST', json: { text: '@jane please call them back' } })).status).toBe(201);
    const mention = await mailFor(jane, new RegExp(`You were mentioned: #${n}`));
    expect(mention.text).toContain('please call them back');
    await app.outbound.idle();
    expect(await inbox(jane, new RegExp(`Assigned to you: #${n}`))).toEqual([]);
    expect((await notices(jane, 'assigned')).map((x: any) => x.ticketNumber)).toContain(n);
  });

  it('mails the assignee once when a ticket becomes overdue', async () => {
    const policy = await app.api('/api/v1/sla-policies', { method: 'POST', json: { name: 'Fast', departmentId: support, calendar: { timeZone: 'UTC', week: ALL_DAY }, targets: [{ resolutionMinutes: 60 }] } });
    expect(policy.status).toBe(201);
    const n = await ticketByMail(app, 'Water leak');
    expect((await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { assigneeId: bob.id } })).status).toBe(200);
    await app.jobs.runSla();
    expect(await inbox(bob, new RegExp(`Overdue: #${n}`))).toEqual([]);
    clock += 2 * 3_600_000;
    await app.jobs.runSla();
    const m = await mailFor(bob, new RegExp(`Overdue: #${n}`));
    expect(m.text).toContain(`#${n} is overdue: its resolution target passed`);
    await app.jobs.runSla();
    await app.outbound.idle();
    expect(await inbox(bob, new RegExp(`Overdue: #${n}`))).toHaveLength(1);
  });

  it("writes with the department's own agent template", async () => {
    const own = { subject: 'Desk: {{notification.event}} {{ticket.token}}', text: '{{actor.name}} -> {{agent.name}}: {{notification.text}}' };
    expect((await app.api(`/api/v1/templates/${support}`, { method: 'PUT', json: { templates: { agentNotification: { en: own } } } })).status).toBe(200);
    const n = await ticketByMail(app, 'Custom notice');
    expect((await jane.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { assigneeId: bob.id } })).status).toBe(200);
    const m = await mailFor(bob, new RegExp(`^Desk: Assigned to you \\[#${n}\\]$`));
    expect(m.text?.trim()).toBe(`Jane -> Bob: Jane assigned #${n} to you: Custom notice`);
  });

  it('tells the members of the department a rule moves a new ticket to, not those of the one it came in by', async () => {
    const elsewhere = await departmentId(app, 'Elsewhere');
    const rule = await app.api('/api/v1/rules', { method: 'POST', json: { name: 'Gates go elsewhere', triggers: ['ticket-created'], conditions: [{ kind: 'subjectContains', value: 'gate' }], actions: [{ kind: 'setDepartment', value: elsewhere }] } });
    expect(rule.status).toBe(201);
    const n = await ticketByMail(app, 'Garden gate rusted');
    await app.rules.idle();
    await waitFor(async () => (await notices(carl, 'new-ticket')).some((x: any) => x.ticketNumber === n), 'Carl (Elsewhere) told of the moved ticket');
    expect((await json(app.api(`/api/v1/tickets/${n}`))).department.id).toBe(elsewhere);
    expect((await notices(jane, 'new-ticket')).filter((x: any) => x.ticketNumber === n)).toEqual([]);
    // Mail the rule leaves where it is: told to the department it came in by.
    const k = await ticketByMail(app, 'Window cracked');
    await waitFor(async () => (await notices(jane, 'new-ticket')).some((x: any) => x.ticketNumber === k), 'Jane told of the ticket that stays');
    expect((await notices(carl, 'new-ticket')).filter((x: any) => x.ticketNumber === k)).toEqual([]);
    expect((await app.api(`/api/v1/rules/${(await json(rule)).id}`, { method: 'DELETE' })).status).toBe(204);
  });
});
