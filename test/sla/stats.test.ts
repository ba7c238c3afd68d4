import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, departmentId, person, ticketByMail, type Person } from '../helpdesk/fixture.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { startRelay, type Relay } from '../outbound/relays.js';

// Statistics over generated tickets, checked against figures the test works out itself
// from what it generated.
const MINUTE = 60_000;
const DAY = 86_400_000;
const day0 = Date.UTC(2026, 2, 2, 8); // Monday 2 March 2026, 08:00 UTC

interface Spec {
  day: number;
  dept: 'support' | 'sales';
  agent: 'jane' | 'joe' | null;
  respondAfter: number | null; // minutes
  closeAfter: number | null; // minutes
  overdue?: boolean;
}

const SPECS: Spec[] = [
  { day: 0, dept: 'support', agent: 'jane', respondAfter: 30, closeAfter: 120 },
  { day: 0, dept: 'support', agent: 'joe', respondAfter: 90, closeAfter: null },
  { day: 0, dept: 'sales', agent: 'jane', respondAfter: null, closeAfter: null, overdue: true },
  { day: 1, dept: 'sales', agent: null, respondAfter: 10, closeAfter: 170 },
  { day: 1, dept: 'support', agent: 'jane', respondAfter: 45, closeAfter: 150 },
  { day: 2, dept: 'support', agent: 'joe', respondAfter: null, closeAfter: 60 },
  { day: 2, dept: 'sales', agent: 'joe', respondAfter: 20, closeAfter: null },
];

/** 08:00 UTC on the ticket's day, plus 3 h for each ticket before it that day. */
const createdAt = (i: number) => day0 + SPECS[i]!.day * DAY + SPECS.slice(0, i).filter((x) => x.day === SPECS[i]!.day).length * 3 * 60 * MINUTE;

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
/** What the figures must be for a subset of the specs, worked out from the specs alone. */
function expected(specs: Spec[]) {
  return {
    total: specs.length,
    open: specs.filter((s) => s.closeAfter === null).length,
    overdue: specs.filter((s) => s.overdue).length,
    avgFirstResponseMs: avg(specs.filter((s) => s.respondAfter !== null).map((s) => s.respondAfter! * MINUTE)),
    avgResolutionMs: avg(specs.filter((s) => s.closeAfter !== null).map((s) => s.closeAfter! * MINUTE)),
    ratings: { count: 0, score: null },
  };
}

describe('statistics over generated tickets', () => {
  let app: TestApp;
  let relay: Relay;
  let clock = day0;
  const people: Record<string, Person> = {};
  const depts: Record<string, string> = {};

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp({ now: () => clock });
    await addFromAddress(app, relay);
    depts.support = await departmentId(app, 'Support');
    depts.sales = await departmentId(app, 'Sales');
    people.jane = await person(app, 'agent', 'jane', [depts.support, depts.sales]);
    people.joe = await person(app, 'agent', 'joe', [depts.support, depts.sales]);
    // Each ticket: created 3 h after the one before it on its day, then answered and closed
    // on the clock within those 3 h, so the clock only moves forward.
    for (const [i, s] of SPECS.entries()) {
      const created = createdAt(i);
      clock = created;
      const n = await ticketByMail(app, `Generated ticket ${i}`, `c${i}@customer.test`);
      const patch = (body: unknown) => app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: body });
      await patch({ departmentId: depts[s.dept], ...(s.agent ? { assigneeId: people[s.agent]!.id } : {}), ...(s.overdue ? { dueAt: created + 60 * MINUTE } : {}) });
      if (s.respondAfter !== null) {
        clock = created + s.respondAfter * MINUTE;
        const res = await app.api(`/api/v1/tickets/${n}/replies`, { method: 'POST', json: { text: 'Looking into it.' } });
        if (res.status !== 202) throw new Error(`reply: ${res.status} ${await res.text()}`);
        if (s.closeAfter === null) await patch({ status: 'open' });
      }
      if (s.closeAfter !== null) {
        clock = created + s.closeAfter * MINUTE;
        await patch({ status: 'closed' });
      }
    }
    clock = day0 + 3 * DAY;
  });
  afterAll(async () => {
    await app.close();
    await relay.close();
  });

  const stats = (query: string) => json(app.api(`/api/v1/stats?${query}`));

  it('totals, open, overdue, average first response and resolution, per department, agent and address', async () => {
    const s = await stats('from=2026-03-02&to=2026-03-04');
    expect(s).toMatchObject(expected(SPECS));
    const byDept = Object.fromEntries(s.byDepartment.map((d: any) => [d.key, d]));
    for (const name of ['support', 'sales'] as const) expect(byDept[depts[name]!]).toMatchObject(expected(SPECS.filter((x) => x.dept === name)));
    const byAgent = Object.fromEntries(s.byAgent.map((d: any) => [d.key, d]));
    expect(byAgent[people.jane!.id]).toMatchObject(expected(SPECS.filter((x) => x.agent === 'jane')));
    expect(byAgent.unassigned).toMatchObject(expected(SPECS.filter((x) => x.agent === null)));
    expect(s.bySupportAddress).toEqual([expect.objectContaining({ key: 'support@support.test', total: SPECS.length })]);
    expect(s.daily).toEqual([0, 1, 2].map((d) => ({
      date: `2026-03-0${d + 2}`,
      created: SPECS.filter((x) => x.day === d).length,
      // Every generated ticket closes within 3 h of 08:00, 11:00 or 14:00: on its own day.
      closed: SPECS.filter((x) => x.day === d && x.closeAfter !== null).length,
    })));
  });

  it('filters by period, department and agent', async () => {
    expect(await stats('from=2026-03-03&to=2026-03-03')).toMatchObject(expected(SPECS.filter((x) => x.day === 1)));
    expect(await stats(`from=2026-03-02&to=2026-03-04&department=${depts.sales}`)).toMatchObject(expected(SPECS.filter((x) => x.dept === 'sales')));
    expect(await stats(`from=2026-03-02&to=2026-03-04&agent=${people.joe!.id}`)).toMatchObject(expected(SPECS.filter((x) => x.agent === 'joe')));
    expect((await apiError(app.api('/api/v1/stats?from=2026-03-05&to=2026-03-01'))).code).toBe('invalid_period');
  });

  it('exports CSV', async () => {
    const res = await app.api('/api/v1/stats?from=2026-03-02&to=2026-03-04&format=csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).toEqual(['group', 'key', 'total', 'open', 'overdue', 'avg_first_response_minutes', 'avg_resolution_minutes', 'rating_count', 'rating_score', 'created', 'closed']);
    const all = expected(SPECS);
    expect(lines[1]).toEqual(['all', '', String(all.total), String(all.open), String(all.overdue), (all.avgFirstResponseMs! / MINUTE).toFixed(1), (all.avgResolutionMs! / MINUTE).toFixed(1), '0', '', '', '']);
    expect(lines.filter((l) => l[0] === 'day').map((l) => [l[1], l[9]])).toEqual([['2026-03-02', '3'], ['2026-03-03', '2'], ['2026-03-04', '2']]);
  });

  it('counts first response and resolution in business hours where the department has a schedule', async () => {
    // Sales opens 09:00-17:00 UTC on weekdays; Support has no schedule and counts the clock.
    const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]));
    const res = await app.api('/api/v1/sla-policies', { method: 'POST', json: { name: 'Sales hours', departmentId: depts.sales, calendar: { timeZone: 'UTC', week }, targets: [] } });
    expect(res.status).toBe(201);
    // Every generated ticket starts and ends on one weekday: its business time is its overlap with 09-17.
    const business = (i: number, minutes: number) => {
      const start = createdAt(i);
      const open = Math.floor(start / DAY) * DAY + 9 * 60 * MINUTE;
      return Math.max(0, Math.min(start + minutes * MINUTE, open + 8 * 60 * MINUTE) - Math.max(start, open));
    };
    const time = (i: number, minutes: number) => (SPECS[i]!.dept === 'sales' ? business(i, minutes) : minutes * MINUTE);
    const indexes = SPECS.map((_, i) => i);
    const want = (is: number[]) => ({
      avgFirstResponseBusinessMs: avg(is.filter((i) => SPECS[i]!.respondAfter !== null).map((i) => time(i, SPECS[i]!.respondAfter!))),
      avgResolutionBusinessMs: avg(is.filter((i) => SPECS[i]!.closeAfter !== null).map((i) => time(i, SPECS[i]!.closeAfter!))),
    });
    const s = await stats('from=2026-03-02&to=2026-03-04');
    // The wall-clock figures stay as they were; the business-hours ones sit beside them.
    expect(s).toMatchObject({ ...expected(SPECS), ...want(indexes) });
    const sales = s.byDepartment.find((d: any) => d.key === depts.sales);
    expect(sales).toMatchObject(want(indexes.filter((i) => SPECS[i]!.dept === 'sales')));
    // The Tuesday 08:00 ticket answered at 08:10 was answered before opening time: no business time.
    expect(sales.avgFirstResponseBusinessMs).toBeLessThan(sales.avgFirstResponseMs);
  });
});
