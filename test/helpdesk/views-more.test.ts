import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { departmentId, person, ticketByMail, type Person } from './fixture.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { startRelay, type Relay } from '../outbound/relays.js';

// The views beyond the basic ones: by status (open, waiting, hold, closed), Escalated (an SLA
// escalation ran) and each agent's Sent folder (tickets they sent mail on, latest send first).

const HOUR = 3_600_000;
const ALL_WEEK = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));

describe('views: status, escalated, sent', () => {
  let app: TestApp;
  let relay: Relay;
  let clock = Date.UTC(2026, 10, 23, 12);
  let jane: Person;
  let joe: Person;

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp({ now: () => clock });
    await addFromAddress(app, relay);
    const support = await departmentId(app, 'Support');
    jane = await person(app, 'agent', 'jane', [support]);
    joe = await person(app, 'agent', 'joe', [support]);
  });
  afterAll(async () => {
    await app.close();
    await relay.close();
  });

  const view = async (who: { api: TestApp['api'] }, v: string, extra = '') => {
    const res = await who.api(`/api/v1/tickets?view=${v}${extra}`);
    expect(res.status, v).toBe(200);
    return (await json(res)).items.map((t: any) => t.number);
  };
  const patch = (n: number, body: unknown) => app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: body });
  const reply = async (who: Person, n: number) => expect((await who.api(`/api/v1/tickets/${n}/replies`, { method: 'POST', json: { text: 'On it.' } })).status).toBe(202);

  it('lists tickets by status as views', async () => {
    const open = await ticketByMail(app, 'Status view open');
    const waiting = await ticketByMail(app, 'Status view waiting');
    const hold = await ticketByMail(app, 'Status view hold');
    const closed = await ticketByMail(app, 'Status view closed');
    await patch(waiting, { status: 'waiting' });
    await patch(hold, { status: 'hold' });
    await patch(closed, { status: 'closed' });
    expect(await view(app, 'waiting')).toEqual([waiting]);
    expect(await view(app, 'hold')).toEqual([hold]);
    expect(await view(app, 'closed')).toEqual([closed]);
    expect(await view(app, 'open')).toContain(open);
    expect(await view(app, 'open')).not.toContain(waiting);
    // A status view with another status matches nothing.
    expect(await view(app, 'waiting', '&status=closed')).toEqual([]);
    expect(await view(app, 'waiting', '&q=status')).toEqual([waiting]);
  });

  it('lists tickets an SLA escalation ran on, and rows say which escalations', async () => {
    const policy = await app.api('/api/v1/sla-policies', {
      method: 'POST',
      json: { name: 'Round the clock', departmentId: null, calendar: { timeZone: 'UTC', week: ALL_WEEK }, targets: [{ firstResponseMinutes: 60, resolutionMinutes: 240 }], escalations: [{ at: 1, goal: 'firstResponse', notify: ['assignee'] }] },
    });
    expect(policy.status).toBe(201);
    const late = await ticketByMail(app, 'Nobody answered me');
    const answered = await ticketByMail(app, 'Somebody answered me');
    await reply(jane, answered);
    expect(await view(app, 'escalated')).toEqual([]);
    clock += 2 * HOUR;
    await app.jobs.runSla();
    // The open ticket of the test before went unanswered too; the answered one did not escalate.
    const escalated = await view(app, 'escalated');
    expect(escalated).toContain(late);
    expect(escalated).not.toContain(answered);
    expect(await view(jane, 'escalated', '&sort=created')).toEqual(escalated);
    const row = (await json(app.api('/api/v1/tickets?view=escalated'))).items.find((t: any) => t.number === late);
    expect(row.escalations).toEqual(['firstResponse@1']);
    // The view follows the ticket: trashed, it leaves; the Escalated view of search too.
    expect(await view(app, 'escalated', '&q=nobody')).toEqual([late]);
    expect(await view(app, 'escalated', '&q=somebody')).toEqual([]);
    await app.api(`/api/v1/tickets/${late}/trash`, { method: 'POST' });
    expect(await view(app, 'escalated')).not.toContain(late);
    await app.api(`/api/v1/tickets/${late}/restore`, { method: 'POST' });
    expect(await view(app, 'escalated')).toContain(late);
  });

  it("keeps each agent's Sent folder: tickets they sent mail on, latest send first", async () => {
    const sent = async (who: Person, extra = '') => (await view(who, 'sent', extra)).filter((n: number) => [first, second, other].includes(n));
    const first = await ticketByMail(app, 'Sent folder one');
    const second = await ticketByMail(app, 'Sent folder two');
    const other = await ticketByMail(app, 'Sent folder other');
    clock += 1000;
    await reply(jane, first);
    clock += 1000;
    await reply(jane, second);
    clock += 1000;
    await reply(joe, other);
    expect(await sent(jane)).toEqual([second, first]);
    expect(await sent(joe)).toEqual([other]);
    // Sending again moves the ticket up; it is listed once.
    clock += 1000;
    await reply(jane, first);
    expect(await sent(jane)).toEqual([first, second]);
    expect(await view(jane, 'sent', '&limit=1')).toEqual([first]);
    expect(await sent(jane, '&q=folder')).toEqual([second, first]);
    // A merge moves the row to the ticket that stays.
    expect((await app.api(`/api/v1/tickets/${second}/merge`, { method: 'POST', json: { into: other } })).status).toBe(200);
    expect(await sent(jane)).toEqual([first, other]);
    // A trashed ticket leaves the folder.
    await app.api(`/api/v1/tickets/${first}/trash`, { method: 'POST' });
    expect(await sent(jane)).toEqual([other]);
  });
});
