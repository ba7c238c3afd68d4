import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, baseUrl, json, login, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, person, ticketByMail, type Person } from '../helpdesk/fixture.js';
import { addFromAddress, parse } from '../outbound/fixtures.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { launchChromium } from '../panel/browser.js';

const DAY = 86_400_000;

describe('satisfaction ratings: the mail on close, the public page in a real browser', () => {
  let app: TestApp;
  let relay: Relay;
  let browser: Browser;
  let clock = Date.UTC(2026, 5, 1, 9);
  let jane: Person;

  beforeAll(async () => {
    [relay, browser] = await Promise.all([startRelay('plain'), launchChromium()]);
    app = await startTestApp({ now: () => clock });
    await addFromAddress(app, relay);
    jane = await person(app, 'agent', 'jane', []);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await relay?.close();
  });

  it('asks once after close; the customer rates with one click and a comment; the agent hears of it', async () => {
    const n = await ticketByMail(app, 'Parcel lost', 'rita@customer.test');
    const ticket = () => json(app.api(`/api/v1/tickets/${n}`));
    const department = (await ticket()).department.id;
    expect((await apiError(app.api('/api/v1/rating-settings', { method: 'PATCH', json: { departments: [department] } }))).message).toMatch(/publicUrl/);
    expect((await app.api('/api/v1/rating-settings', { method: 'PATCH', json: { publicUrl: baseUrl(app), departments: [department], linkDays: 14 } })).status).toBe(200);
    await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { assigneeId: jane.id } });
    expect(await app.jobs.runRatingRequests()).toEqual([]);
    clock += 60_000;
    await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { status: 'closed' } });
    expect(await app.jobs.runRatingRequests()).toEqual([n]);
    expect(await app.jobs.runRatingRequests()).toEqual([]);

    const sent = await waitFor(async () => relay.received.find((r) => r.raw.includes('How did we do?')), 'the rating mail');
    const text = (await parse(sent.raw)).text ?? '';
    const links = Object.fromEntries([...text.matchAll(/^(Good|Neutral|Bad):\s+(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(links)).toEqual(['Good', 'Neutral', 'Bad']);

    // Opening the link records nothing (mail scanners open links too); the page asks.
    const page = await browser.newPage();
    await page.goto(links.Neutral!);
    expect(await page.getByLabel('Neutral').isChecked()).toBe(true);
    expect((await ticket()).rating).toBeNull();
    await page.getByLabel('Good').check();
    await page.getByLabel('Anything to add? (optional)').fill('Quick and <b>kind</b>.');
    await page.getByRole('button', { name: 'Send my rating' }).click();
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await page.close();

    expect((await ticket()).rating).toEqual({ value: 'good', comment: 'Quick and <b>kind</b>.', at: clock });
    const note = (await json(jane.api('/api/v1/notifications'))).items.find((x: any) => x.kind === 'rated');
    expect(note).toMatchObject({ ticketNumber: n, text: `#${n} was rated good: Quick and <b>kind</b>.` });
    const stats = await json(app.api('/api/v1/stats?from=2026-06-01&to=2026-06-01'));
    expect(stats.ratings).toEqual({ count: 1, score: 1 });

    // A forged or altered link finds nothing; an old one has expired.
    const token = new URL(links.Good!).pathname.split('/').at(-1)!;
    const forged = token.replace(/^\d+/, String(n + 1));
    expect((await fetch(`${baseUrl(app)}/rate/${forged}`)).status).toBe(404);
    clock += 14 * DAY;
    const expired = await fetch(links.Good!);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    const late = await fetch(links.Bad!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'value=bad' });
    expect(late.status).toBe(410);
    // Sessions last 14 days on this clock too: log in again to look.
    app.api = await login(baseUrl(app), ADMIN.email, ADMIN.password);
    expect((await ticket()).rating.value).toBe('good');
  });
});
