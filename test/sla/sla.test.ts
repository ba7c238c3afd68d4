import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, person, ticketByMail, type Person } from '../helpdesk/fixture.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { startRelay, type Relay } from '../outbound/relays.js';

// SLA deadlines on a clock the test moves. The desk is in New York, open 09:00-17:00 on
// weekdays (EST = UTC-5 in November): 14:00-22:00 UTC.
const HOUR = 3_600_000;
const utc = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);
const WEEK = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] };

describe('SLA policies: due times, pauses, escalation', () => {
  let app: TestApp;
  let relay: Relay;
  let clock = utc(20, 20); // Friday 15:00 in New York
  let jane: Person;
  let lead: Person;

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp({ now: () => clock });
    await addFromAddress(app, relay);
    jane = await person(app, 'agent', 'jane', []);
    lead = await person(app, 'admin', 'lead', []);
  });
  afterAll(async () => {
    await app.close();
    await relay.close();
  });

  const ticket = (n: number) => json(app.api(`/api/v1/tickets/${n}`));
  const patch = (n: number, body: unknown) => app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: body });

  it('lets only admins write policies, and says what is wrong with one', async () => {
    const policy = { name: 'Bad', calendar: { timeZone: 'Mars/Base', week: WEEK }, targets: [{ firstResponseMinutes: 60 }] };
    expect((await apiError(jane.api('/api/v1/sla-policies', { method: 'POST', json: policy }))).status).toBe(403);
    expect(await apiError(app.api('/api/v1/sla-policies', { method: 'POST', json: policy }))).toMatchObject({ status: 400, code: 'invalid_calendar' });
    expect((await apiError(app.api('/api/v1/sla-policies', { method: 'POST', json: { ...policy, calendar: { timeZone: 'UTC', week: { mon: [['9:00', '17:00']] } } } }))).code).toBe('invalid_request');
    // An escalation may hand tickets only to someone who can own one: a basic user cannot.
    const basic = await person(app, 'basic', 'bea', []);
    const handOver = { ...policy, name: 'Hand over', calendar: { timeZone: 'UTC', week: WEEK }, escalations: [{ goal: 'resolution', at: 1, notify: ['assignee'], reassignTo: basic.id }] };
    expect(await apiError(app.api('/api/v1/sla-policies', { method: 'POST', json: handOver }))).toMatchObject({ status: 400, code: 'bad_assignee', message: expect.stringContaining('body/escalations/0/reassignTo') });
  });

  it('shows due times in business hours, stops the clock while waiting, escalates at 75% and at breach', async () => {
    const created = await app.api('/api/v1/sla-policies', {
      method: 'POST',
      json: {
        name: 'Standard',
        departmentId: null,
        calendar: { timeZone: 'America/New_York', week: WEEK, holidays: ['2026-11-26'] },
        targets: [{ priority: 'urgent', firstResponseMinutes: 30, resolutionMinutes: 120 }, { firstResponseMinutes: 240, resolutionMinutes: 960 }],
        escalations: [
          { at: 0.75, goal: 'resolution', notify: ['assignee'] },
          { at: 1, goal: 'resolution', notify: [lead.id], reassignTo: lead.id, raisePriority: true },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect((await apiError(app.api('/api/v1/sla-policies', { method: 'POST', json: { name: 'Twin', calendar: { timeZone: 'UTC', week: WEEK }, targets: [] } }))).code).toBe('policy_exists');

    const n = await ticketByMail(app, 'Printer on fire');
    await patch(n, { assigneeId: jane.id });
    // 4 h first response: 2 h on Friday, 2 h on Monday. 16 h resolution: Fri 2 + Mon 8 + Tue 6.
    expect(await ticket(n)).toMatchObject({ firstResponseDueAt: utc(23, 16), resolutionDueAt: utc(24, 20), firstResponseBreached: false, resolutionBreached: false, sla: { paused: false } });

    // Monday 10:00-14:00 local the ticket waits on the customer: both deadlines move 4 h.
    clock = utc(23, 15);
    await patch(n, { status: 'waiting' });
    clock = utc(23, 17);
    expect((await ticket(n)).sla.paused).toBe(true);
    clock = utc(23, 19);
    await patch(n, { status: 'open' });
    const resumed = await ticket(n);
    expect(resumed).toMatchObject({ firstResponseDueAt: utc(23, 20), resolutionDueAt: utc(25, 16), sla: { paused: false } });

    // The acknowledgement is no answer; the agent's public reply at 14:30 local is.
    clock = utc(23, 19, 30);
    expect((await app.api(`/api/v1/tickets/${n}/replies`, { method: 'POST', json: { text: 'We are on it.' } })).status).toBe(202);
    const answered = await ticket(n);
    expect(answered.sla.firstResponse).toEqual({ dueAt: utc(23, 20), metAt: utc(23, 19, 30), breached: false });
    // The reply set it Waiting, which stops the resolution clock; the agent opens it again at once.
    expect(answered.sla.paused).toBe(true);
    await patch(n, { status: 'open' });

    // 75% of 16 h = 12 h of business time: Fri 2 + Mon 1 + Mon 3 (after the pause) + Tue 6 → Tuesday 15:00 local.
    clock = utc(24, 20) - 1;
    expect(await app.jobs.runSla()).toEqual([]);
    clock = utc(24, 20);
    expect(await app.jobs.runSla()).toEqual([{ ticketNumber: n, escalation: 'resolution@0.75' }]);
    expect(await app.jobs.runSla()).toEqual([]);
    const warned = (await json(jane.api('/api/v1/notifications'))).items.filter((x: any) => x.kind === 'escalated');
    expect(warned).toEqual([expect.objectContaining({ ticketNumber: n, text: `#${n} reached 75% of its resolution target: Printer on fire` })]);
    expect((await json(app.api('/api/v1/tickets?view=overdue'))).items).toEqual([]);

    // Breach on Wednesday 11:00 local: raised, reassigned to the lead, listed as overdue.
    clock = utc(25, 16);
    expect(await app.jobs.runSla()).toEqual([{ ticketNumber: n, escalation: 'resolution@1' }]);
    clock += 1;
    const breached = await ticket(n);
    expect(breached).toMatchObject({ priority: 'high', assignee: { id: lead.id }, resolutionBreached: true, firstResponseBreached: false, overdue: true });
    expect((await json(app.api('/api/v1/tickets?view=overdue'))).items.map((t: any) => t.number)).toEqual([n]);
    expect((await json(lead.api('/api/v1/notifications'))).items.filter((x: any) => x.kind === 'escalated').map((x: any) => x.text)).toEqual([`#${n} breached its resolution target: Printer on fire`]);
    const timeline = (await json(app.api(`/api/v1/tickets/${n}/timeline`))).items.filter((e: any) => e.by.id === 'system');
    expect(timeline.map((e: any) => e.what)).toEqual(['sla', 'priority', 'assigneeId', 'sla']);

    // Closed: no longer overdue.
    await patch(n, { status: 'closed' });
    expect((await json(app.api('/api/v1/tickets?view=overdue'))).items).toEqual([]);
  });

  it('uses the stricter target of an urgent ticket, and a first response breach shows', async () => {
    clock = utc(27, 14); // Friday 09:00 local (Thursday 26th is a holiday)
    const n = await ticketByMail(app, 'Site down');
    await patch(n, { priority: 'urgent' });
    expect(await ticket(n)).toMatchObject({ firstResponseDueAt: utc(27, 14, 30), resolutionDueAt: utc(27, 16) });
    clock = utc(27, 14, 31);
    expect(await ticket(n)).toMatchObject({ firstResponseBreached: true, overdue: false });
    await app.jobs.runSla();
    expect((await json(app.api('/api/v1/tickets?view=overdue'))).items.map((t: any) => t.number)).toEqual([n]);
  });
});
