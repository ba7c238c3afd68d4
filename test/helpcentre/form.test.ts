import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, baseUrl, json, login, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { deliver, ticketNumbers } from '../helpers/mx.js';
import { addFromAddress, parse } from '../outbound/fixtures.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { apiError, person } from '../helpdesk/fixture.js';
import type { LiveEvent } from '../../src/http/live.js';
import { formPage, openHelpCentre, submitForm } from './fixture.js';

// The help centre end to end over HTTP against the real server: the form opens a ticket like
// a mail would, the confirmation leaves through the department's relay (a loopback relay
// here), a mail reply to it joins the ticket through the MX, and the signed portal link
// shows the customer their public thread and takes their reply.

const DAY = 86_400_000;

describe('help centre: form, confirmation mail, mail reply, portal', () => {
  let app: TestApp;
  let relay: Relay;
  let clock = Date.UTC(2026, 5, 1, 9);
  let departmentId: string;
  let number: number;
  let portal: string;
  const live: LiveEvent[] = [];

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp({ now: () => clock });
    await addFromAddress(app, relay);
    departmentId = await openHelpCentre(app);
    // One field customers may fill in, one they must never see.
    for (const field of [{ key: 'orderNo', label: 'Order number', type: 'text', public: true }, { key: 'churnRisk', label: 'Churn risk', type: 'number' }]) {
      expect((await app.api('/api/v1/custom-fields', { method: 'POST', json: field })).status).toBe(201);
    }
    app.live.subscribe((e) => live.push(e));
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
  });

  it('serves the form under a strict policy, with public custom fields only and a hidden honeypot', async () => {
    const { res, html, token } = await formPage(app);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain('<h1>Acme Support</h1>');
    expect(html).toContain('<p class="text">We answer within a day.</p>');
    expect(html).toContain('Order number');
    expect(html).not.toContain('Churn risk');
    expect(html).toMatch(/class="hp"[^>]*>.*name="website"/s);
    expect(token).toMatch(/^[0-9a-z]+\.\d+\.[\w-]{22}$/);
    expect(html).not.toMatch(/<script|style=/);
    const css = await fetch(`${baseUrl(app)}/help/help.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('.hp{position:absolute');
  });

  it('opens a ticket like live mail, durable before the answer, and confirms it through the relay', async () => {
    const before = await ticketNumbers(app);
    const res = await submitForm(app, {
      subject: 'Printer on fire',
      extra: { cf_orderNo: 'A-77', cf_churnRisk: '9' },
      files: [{ name: 'smoke.txt', type: 'text/plain', content: 'grey smoke' }],
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/help/support/sent');
    // No waiting: the ticket is on disk when the answer comes.
    const after = await ticketNumbers(app);
    expect(after.length).toBe(before.length + 1);
    number = after.find((n) => !before.includes(n))!;
    const ticket = await json(app.api(`/api/v1/tickets/${number}`));
    expect(ticket).toMatchObject({
      subject: 'Printer on fire',
      status: 'open',
      source: 'web-form',
      requester: { email: 'rosa@customer.test', name: 'Rosa Customer' },
      department: { id: departmentId },
      alias: 'support@support.test',
      customFields: { orderNo: 'A-77' },
    });
    expect(ticket.customFields).not.toHaveProperty('churnRisk');
    const first = ticket.messages[0];
    expect(first).toMatchObject({ direction: 'in', from: { email: 'rosa@customer.test' }, text: 'It smokes when I print.\nWhat now?', flags: ['web-form'] });
    const attachment = await app.api(`/api/v1/attachments/${first.attachments[0].id}`);
    expect(first.attachments[0].filename).toBe('smoke.txt');
    expect(await attachment.text()).toBe('grey smoke');
    // The requester is a contact, the ticket one of theirs; the timeline says where it came from.
    const contacts = await json(app.api('/api/v1/contacts?q=rosa%40customer.test'));
    expect(JSON.stringify(contacts)).toContain('rosa@customer.test');
    const timeline = await json(app.api(`/api/v1/tickets/${number}/timeline`));
    expect(timeline.items).toContainEqual(expect.objectContaining({ what: 'source', to: 'web form', by: { id: 'customer', name: 'Rosa Customer' } }));
    expect(live).toContainEqual({ type: 'ticket', ticketNumber: number, reason: 'new' });
    const sentPage = await fetch(`${baseUrl(app)}/help/support/sent`);
    expect(await sentPage.text()).toContain('We have received your request');

    const sent = await waitFor(async () => relay.received.find((r) => r.raw.includes(`[#${number}]`)), 'the confirmation mail');
    expect(sent.rcptTo).toEqual(['rosa@customer.test']);
    const confirmation = await parse(sent.raw);
    expect(confirmation.subject).toContain(`[#${number}]`);
    expect(confirmation.subject).toContain('Printer on fire');
    expect(confirmation.from?.value[0]?.address).toBe('support@support.test');
    portal = /(http:\/\/\S+\/help\/portal\/\S+)/.exec(confirmation.text ?? '')![1]!;
    expect(portal.startsWith(`${baseUrl(app)}/help/portal/`)).toBe(true);
    // The department's acknowledgement, with the portal paragraph above its signature.
    expect(confirmation.text).toMatch(/opened ticket #\d+[\s\S]*requests online: \S+\nThis link is personal and works for 30 days[^\n]*\n\n-- \n/);

    // The customer answers the confirmation by mail: it joins the same ticket through the MX.
    const reply = await deliver(app, mail({
      from: 'Rosa Customer <rosa@customer.test>', subject: `Re: ${confirmation.subject}`, body: 'Now it also beeps.',
      headers: { 'In-Reply-To': confirmation.messageId!, References: confirmation.messageId! },
    }));
    expect(reply.code).toBe(250);
    expect(await ticketNumbers(app)).toEqual(after);
    const joined = await json(app.api(`/api/v1/tickets/${number}`));
    expect(joined.messages.at(-1)).toMatchObject({ direction: 'in', text: expect.stringContaining('Now it also beeps.') });
  });

  it('sends no confirmation while acknowledgements are switched off, and still opens the ticket', async () => {
    expect((await app.api('/api/v1/settings', { method: 'PATCH', json: { acknowledge: false } })).status).toBe(200);
    try {
      const before = await ticketNumbers(app);
      expect((await submitForm(app, { subject: 'Quiet request', email: 'quiet@customer.test' })).status).toBe(303);
      const opened = (await ticketNumbers(app)).find((n) => !before.includes(n))!;
      expect((await json(app.api(`/api/v1/tickets/${opened}`))).subject).toBe('Quiet request');
      await app.outbound.idle();
      expect(relay.received.filter((r) => r.rcptTo.includes('quiet@customer.test'))).toEqual([]);
    } finally {
      expect((await app.api('/api/v1/settings', { method: 'PATCH', json: { acknowledge: true } })).status).toBe(200);
    }
  });

  it('the portal link lists the customer\'s tickets and their public thread, never internal comments or mail HTML', async () => {
    expect((await app.api(`/api/v1/tickets/${number}/comments`, { method: 'POST', json: { text: 'INTERNAL: customer is on the watch list' } })).status).toBe(201);
    expect((await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Please unplug it first.', html: '<p>Please unplug it <b>first</b>.</p>' } })).status).toBe(202);
    // A mail from the customer whose HTML would run script if it were rendered.
    await deliver(app, [
      'From: Rosa Customer <rosa@customer.test>', 'To: support@support.test', `Subject: Re: [#${number}] Printer on fire`, `Message-ID: <html-${clock}@customer.test>`,
      'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b"', '',
      '--b', 'Content-Type: text/plain; charset=utf-8', '', 'Unplugged <it> now.', '--b', 'Content-Type: text/html; charset=utf-8', '',
      '<p>Unplugged now.<script>alert(1)</script><img src=x onerror=alert(2)></p>', '--b--', '',
    ].join('\r\n'));
    // A second ticket of hers, by mail, and someone else's.
    await deliver(app, mail({ from: 'Rosa Customer <rosa@customer.test>', subject: 'Invoice question' }));
    await deliver(app, mail({ from: 'Otto <otto@customer.test>', subject: 'Otto only' }));

    const list = await fetch(portal);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    const listHtml = await list.text();
    expect(listHtml).toContain(`#${number} Printer on fire`);
    expect(listHtml).toContain('Invoice question');
    expect(listHtml).not.toContain('Otto only');

    const page = await fetch(`${portal}/${number}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('It smokes when I print.\nWhat now?');
    expect(html).toContain('Now it also beeps.');
    expect(html).toContain('Please unplug it first.');
    expect(html).toContain('Unplugged &lt;it&gt; now.');
    expect(html).toMatch(/Attached: <a href="[^"]+" download>smoke\.txt<\/a>/);
    expect(html).not.toContain('INTERNAL');
    expect(html).not.toContain('watch list');
    expect(html).not.toMatch(/<script|onerror|<b>first/);

    // The agent's reply carries a fresh portal link in the mail; the ticket keeps what the agent wrote.
    const agentMail = await waitFor(async () => relay.received.find((r) => r.raw.includes('Please unplug it')), 'the agent reply');
    const agentParsed = await parse(agentMail.raw);
    const fresh = /(http:\/\/\S+\/help\/portal\/\S+)/.exec(agentParsed.text ?? '')![1]!;
    expect((await fetch(fresh)).status).toBe(200);
    expect(agentParsed.html).toContain('/help/portal/');
    const stored = (await json(app.api(`/api/v1/tickets/${number}`))).messages.find((m: any) => m.direction === 'out' && m.author);
    expect(stored.text).toBe('Please unplug it first.');

    // Someone else's ticket number under her link is not found.
    const otto = (await ticketNumbers(app)).at(-1)!;
    expect((await fetch(`${portal}/${otto}`)).status).toBe(404);
  });

  it('offers the thread\'s files for download, and none under a ticket whose thread does not hold them', async () => {
    const html = await (await fetch(`${portal}/${number}`)).text();
    const href = /<a href="([^"]+)" download>smoke\.txt<\/a>/.exec(html)![1]!;
    const file = await fetch(new URL(href, portal));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="smoke\.txt"/);
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await file.text()).toBe('grey smoke');
    // The same file asked for under her other ticket, under someone else's, or a made-up id.
    const id = href.split('/').at(-1)!;
    const [invoice, otto] = (await ticketNumbers(app)).slice(-2);
    for (const path of [`${invoice}/attachments/${id}`, `${otto}/attachments/${id}`, `${number}/attachments/${'0'.repeat(20)}`]) {
      expect((await fetch(`${portal}/${path}`)).status, path).toBe(404);
    }
    // A link whose signature does not hold gets nothing either.
    expect((await fetch(new URL(href.replace(/\/help\/portal\/([^/]+)\./, '/help/portal/$1x.'), portal))).status).toBe(404);
  });

  it('a reply in the portal joins the ticket as the customer\'s message, reopens it, and reaches agents live', async () => {
    expect((await app.api(`/api/v1/tickets/${number}`, { method: 'PATCH', json: { status: 'waiting' } })).status).toBe(200);
    live.length = 0;
    // An agent's open panel listens on the event stream (Server-Sent Events).
    const stream = await app.api('/api/v1/events');
    const events = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let heard = '';
    while (!heard.includes(': connected')) heard += (await events.read()).value;
    const res = await fetch(`${portal}/${number}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ text: 'Unplugged, still <warm>.' }), redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${new URL(portal).pathname}/${number}?sent=1`);
    const ticket = await json(app.api(`/api/v1/tickets/${number}`));
    expect(ticket.status).toBe('open');
    expect(ticket.messages.at(-1)).toMatchObject({ direction: 'in', from: { email: 'rosa@customer.test' }, text: 'Unplugged, still <warm>.', flags: ['web-form'] });
    expect(ticket.messages.at(-1).subject).toBe(`Re: [#${number}] Printer on fire`);
    expect(live).toContainEqual({ type: 'ticket', ticketNumber: number, reason: 'joined' });
    const joined = JSON.stringify({ type: 'ticket', ticketNumber: number, reason: 'joined' });
    while (!heard.includes(`data: ${joined}`)) heard += (await events.read()).value;
    await events.cancel();
    const timeline = await json(app.api(`/api/v1/tickets/${number}/timeline`));
    expect(timeline.items).toContainEqual(expect.objectContaining({ what: 'status', from: 'waiting', to: 'open' }));
    const shown = await (await fetch(`${portal}/${number}?sent=1`)).text();
    expect(shown).toContain('Your reply was added to this request.');
    expect(shown).toContain('Unplugged, still &lt;warm&gt;.');
  });

  it('refuses a tampered portal link and an expired one', async () => {
    const token = new URL(portal).pathname.split('/').at(-1)!;
    const [contactId, expires, sig] = token.split('.');
    const flipped = sig!.slice(0, -1) + (sig!.endsWith('A') ? 'B' : 'A');
    for (const forged of [`${contactId}.${expires}.${flipped}`, `${contactId}.${Number(expires) + DAY}.${sig}`, `${contactId!.slice(0, -1)}${contactId!.endsWith('0') ? '1' : '0'}.${expires}.${sig}`, 'nonsense']) {
      const res = await fetch(`${baseUrl(app)}/help/portal/${forged}`);
      expect(res.status, forged).toBe(404);
      expect(await res.text()).toContain('This link is not valid');
      expect((await fetch(`${baseUrl(app)}/help/portal/${forged}/${number}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=forged' })).status).toBe(404);
    }
    clock += 31 * DAY;
    const expired = await fetch(portal);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    expect((await fetch(`${portal}/${number}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=late' })).status).toBe(410);
    app.api = await login(baseUrl(app), ADMIN.email, ADMIN.password);
    const ticket = await json(app.api(`/api/v1/tickets/${number}`));
    expect(ticket.messages.map((m: any) => m.text)).not.toContain('late');
  });

  it('a filled honeypot answers like success and opens nothing; a forged or expired form token opens nothing', async () => {
    const before = await ticketNumbers(app);
    const sentBefore = relay.received.length;
    const bot = await submitForm(app, { subject: 'Cheap pills', extra: { website: 'http://spam.example' } });
    expect(bot.status).toBe(303);
    expect(bot.headers.get('location')).toBe('/help/support/sent');

    const forged = await submitForm(app, { subject: 'Forged token', token: 'x.1.aaaaaaaaaaaaaaaaaaaaaa' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('did not come from our form');
    const { token } = await formPage(app);
    clock += 5 * 3_600_000;
    const stale = await submitForm(app, { subject: 'Written over lunch', token });
    expect(stale.status).toBe(400);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain('This form was open for a long time');
    // What was typed is kept, with a fresh token, so sending again is one click.
    expect(staleHtml).toContain('value="Written over lunch"');
    expect(await ticketNumbers(app)).toEqual(before);

    const invalid = await submitForm(app, { email: 'not-an-address', description: '' });
    expect(invalid.status).toBe(400);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toContain('Please give an email address we can answer');
    expect(invalidHtml).toContain('Please describe what you need.');
    const ours = await submitForm(app, { email: 'sales@support.test', subject: 'From ourselves' });
    expect(ours.status).toBe(400);
    expect(await ticketNumbers(app)).toEqual(before);
    await new Promise((r) => setTimeout(r, 200));
    expect(relay.received.slice(sentBefore).filter((r) => /Cheap pills|Forged token|Written over lunch|From ourselves/.test(r.raw))).toEqual([]);
  });

  it('refuses attachments over the size limit with the form kept', async () => {
    const before = await ticketNumbers(app);
    const res = await submitForm(app, { subject: 'Big file', files: [{ name: 'big.bin', type: 'application/octet-stream', content: Buffer.alloc(10 * 1024 * 1024 + 1) }] });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('Attachments can be at most 5 files of 10 MB each');
    expect(await ticketNumbers(app)).toEqual(before);
  });

  it('admins switch a page off (404) and on; others may not touch the settings', async () => {
    const agent = await person(app, 'agent', 'arne', [departmentId]);
    expect((await apiError(agent.api('/api/v1/help-centre'))).status).toBe(403);
    expect((await apiError(agent.api(`/api/v1/help-centre/pages/${departmentId}`, { method: 'PUT', json: { enabled: false } }))).status).toBe(403);
    expect((await apiError(app.api(`/api/v1/help-centre/pages/${departmentId}`, { method: 'PUT', json: { enabled: true, slug: 'portal' } }))).code).toBe('slug_reserved');
    expect((await apiError(app.api(`/api/v1/help-centre/pages/${departmentId}`, { method: 'PUT', json: { enabled: true, slug: 'Not A Slug' } }))).status).toBe(400);
    expect((await apiError(app.api('/api/v1/help-centre/pages/nope', { method: 'PUT', json: { enabled: true } }))).status).toBe(404);

    expect((await app.api(`/api/v1/help-centre/pages/${departmentId}`, { method: 'PUT', json: { enabled: false } })).status).toBe(200);
    expect((await fetch(`${baseUrl(app)}/help/support`)).status).toBe(404);
    expect((await submitForm(app, { token: 'x.1.aaaaaaaaaaaaaaaaaaaaaa' })).status).toBe(404);
    expect((await fetch(`${baseUrl(app)}/help/nowhere`)).status).toBe(404);

    const on = await json(app.api(`/api/v1/help-centre/pages/${departmentId}`, { method: 'PUT', json: { enabled: true, slug: 'acme' } }));
    expect(on).toMatchObject({ enabled: true, slug: 'acme', title: 'Acme Support', path: '/help/acme' });
    expect((await fetch(`${baseUrl(app)}/help/acme`)).status).toBe(200);
    expect((await fetch(`${baseUrl(app)}/help/support`)).status).toBe(404);
    const settings = await json(app.api('/api/v1/help-centre'));
    expect(settings).toMatchObject({ publicUrl: baseUrl(app), portalLinkDays: 30, pages: [expect.objectContaining({ departmentId, slug: 'acme', enabled: true })] });
    // The custom field's public flag is changed the same way, by admins.
    expect((await json(app.api('/api/v1/custom-fields/churnRisk', { method: 'PATCH', json: { public: true } }))).public).toBe(true);
    expect((await formPage(app, 'acme')).html).toContain('Churn risk');
  });

  it('a portal reply to a ticket closed longer ago than the reopen window opens a new ticket that links it', async () => {
    expect((await submitForm(app, { email: 'lena@customer.test', name: 'Lena', subject: 'Old issue' }, 'acme')).status).toBe(303);
    const sent = await waitFor(async () => relay.received.find((r) => r.rcptTo.includes('lena@customer.test')), 'Lena\'s confirmation');
    const link = /(http:\/\/\S+\/help\/portal\/\S+)/.exec((await parse(sent.raw)).text ?? '')![1]!;
    const old = Number(/\[#(\d+)\]/.exec(sent.raw)![1]);
    expect((await app.api(`/api/v1/tickets/${old}`, { method: 'PATCH', json: { status: 'closed' } })).status).toBe(200);
    clock += 15 * DAY;
    app.api = await login(baseUrl(app), ADMIN.email, ADMIN.password);
    const res = await fetch(`${link}/${old}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=It+is+back.', redirect: 'manual' });
    expect(res.status).toBe(303);
    const next = Number(/\/(\d+)\?sent=1$/.exec(res.headers.get('location')!)![1]);
    expect(next).not.toBe(old);
    expect((await json(app.api(`/api/v1/tickets/${old}`))).status).toBe('closed');
    const created = await json(app.api(`/api/v1/tickets/${next}`));
    expect(created).toMatchObject({ status: 'open', linkedTickets: [old], requester: { email: 'lena@customer.test' }, source: 'web-form' });
    expect(created.messages.map((m: any) => m.text)).toEqual(['It is back.']);
  });
});

describe('help centre: rate limit per IP', () => {
  let app: TestApp;
  let clock = Date.UTC(2026, 5, 1, 9);

  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, env: { MXDESK_HELP_CENTRE_POSTS_PER_HOUR: '2' } });
    await openHelpCentre(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After past the limit, and lets the client in again after the window', async () => {
    expect((await submitForm(app, { subject: 'One' })).status).toBe(303);
    expect((await submitForm(app, { subject: 'Two' })).status).toBe(303);
    const before = await ticketNumbers(app);
    const third = await submitForm(app, { subject: 'Three' });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await third.text()).toContain('Too many requests');
    expect(await ticketNumbers(app)).toEqual(before);
    clock += 3_600_001;
    app.api = await login(baseUrl(app), ADMIN.email, ADMIN.password);
    expect((await submitForm(app, { subject: 'Four' })).status).toBe(303);
  });
});
