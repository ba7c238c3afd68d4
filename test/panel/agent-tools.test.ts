import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { simpleParser } from 'mailparser';
import { baseUrl, json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { startRelay, type Relay } from '../outbound/relays.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { launchChromium, logInThroughPanel, screenshot } from './browser.js';

// The agent's tools around the thread: a new outbound mail that opens a ticket, canned
// replies in the composer, the side panel's custom fields, links and due date, and the
// folder counts that follow the mail as it arrives.

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('the agent tools in Chromium', () => {
  let app: TestApp;
  let relay: Relay;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let number = 0;

  beforeAll(async () => {
    [app, relay, browser] = await Promise.all([startTestApp(), startRelay('plain'), launchChromium()]);
    await addFromAddress(app, relay);
    expect((await app.api('/api/v1/canned-replies', { method: 'POST', json: { name: 'Tracking link', text: 'Track your parcel at https://track.example/4711.' } })).status).toBe(201);
    expect((await app.api('/api/v1/custom-fields', { method: 'POST', json: { key: 'plan', label: 'Plan', type: 'select', options: ['basic', 'gold'] } })).status).toBe(201);
    // Round the clock, so the SLA's deadlines run whenever the test does.
    const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
    expect((await app.api('/api/v1/sla-policies', { method: 'POST', json: { name: 'Always on', calendar: { timeZone: 'UTC', week }, targets: [{ firstResponseMinutes: 60, resolutionMinutes: 600 }] } })).status).toBe(201);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    await logInThroughPanel(page, baseUrl(app));
    // A step that hangs says which one, well before the test's own timeout.
    page.setDefaultTimeout(15_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await relay?.close();
  });

  const mailsWith = (text: string) => relay.received.filter((r) => r.raw.includes(text));
  const count = async (folder: string) => Number(await page.locator(`[data-count="${folder}"]`).textContent());

  it('composes a new mail: says what is missing, then sends it through the relay and opens its ticket', async () => {
    await page.getByRole('link', { name: 'New mail' }).click();
    const form = page.getByRole('form', { name: 'New mail' });
    await form.getByLabel('To', { exact: true }).fill('carol at customer.test, dave@customer.test');
    await form.getByRole('button', { name: 'Send' }).click();
    // Nothing is sent; each field says what is wrong with it, and the first one has the focus.
    await form.getByText('Use addresses like name@example.com, separated by commas.').waitFor();
    await form.getByText('Enter a subject.').waitFor();
    await form.getByText('Write the message.').waitFor();
    expect(await form.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-to');
    expect(await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze().then((r) => r.violations.map((v) => `${v.id}: ${v.help}`))).toEqual([]);

    await form.getByLabel('To', { exact: true }).fill('carol@customer.test, dave@customer.test');
    await form.getByLabel('Cc', { exact: true }).fill('erin@customer.test');
    await form.getByLabel('Subject').fill('Your renewal is due');
    // Corrected fields drop their complaint; the others keep theirs until fixed.
    expect(await form.getByText('Enter a subject.').count()).toBe(0);
    expect(await form.getByText('Use addresses like name@example.com, separated by commas.').count()).toBe(0);
    expect(await form.getByText('Write the message.').count()).toBe(1);
    await form.getByLabel('Insert template').selectOption({ label: 'Tracking link' });
    expect(await form.getByLabel('Message').inputValue()).toBe('Track your parcel at https://track.example/4711.');
    await form.getByLabel('Message').fill('Your licence renews next week.');
    await form.getByLabel('Attach files').setInputFiles({ name: 'quote.txt', mimeType: 'text/plain', buffer: Buffer.from('QUOTE 99') });
    await screenshot(page, 'new-mail');
    await form.getByRole('button', { name: 'Send' }).click();

    await page.getByRole('heading', { name: /Your renewal is due/ }).waitFor();
    number = Number(/\/tickets\/(\d+)/.exec(page.url())![1]);
    await expect.poll(() => mailsWith('Your licence renews next week.').length).toBe(1);
    const sent = mailsWith('Your licence renews next week.')[0]!;
    expect(sent.rcptTo.sort()).toEqual(['carol@customer.test', 'dave@customer.test', 'erin@customer.test']);
    const parsed = await simpleParser(sent.raw);
    expect(parsed.subject).toBe(`[#${number}] Your renewal is due`);
    expect(parsed.attachments.map((a) => a.content.toString())).toEqual(['QUOTE 99']);
    const ticket = await json(app.api(`/api/v1/tickets/${number}`));
    expect(ticket).toMatchObject({ status: 'waiting', requester: { email: 'carol@customer.test' } });
    expect(parsed.messageId).toBe(ticket.messages[0].messageId);
    await page.locator('article.message', { hasText: 'Your licence renews next week.' }).locator('[data-delivery="sent"]').waitFor();
  });

  it('inserts a canned reply into a reply at the caret and sends it', async () => {
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const composer = page.getByRole('form', { name: 'Reply' });
    const text = composer.getByLabel('Message');
    await text.fill('Hello Carol,\n\nBest regards');
    // The caret after the greeting: the template goes there, not at the end.
    await text.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(13, 13));
    await composer.getByLabel('Insert template').selectOption({ label: 'Tracking link' });
    expect(await text.inputValue()).toBe('Hello Carol,\nTrack your parcel at https://track.example/4711.\nBest regards');
    await composer.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => mailsWith('Track your parcel at https://track.example/4711.').length).toBe(1);
  });

  it('edits a custom field, a link and the due date in the side panel, and shows them in the history', async () => {
    const side = page.getByRole('complementary', { name: 'Details' });
    await side.getByLabel('Plan').selectOption('gold');
    const history = side.getByRole('region', { name: 'History' });
    await history.getByText('plan: — → gold').waitFor();

    await side.getByLabel('Type').fill('order');
    await side.getByLabel('Reference').fill('4711');
    await side.getByLabel('URL').fill('javascript:alert(1)');
    await side.getByRole('button', { name: 'Add link' }).click();
    await side.getByText('Give a type, a reference and a URL').waitFor();
    await side.getByLabel('URL').fill('https://shop.example/orders/4711');
    await side.getByRole('button', { name: 'Add link' }).click();
    expect(await side.getByRole('region', { name: 'Links' }).getByRole('link', { name: '4711' }).getAttribute('href')).toBe('https://shop.example/orders/4711');

    await side.getByLabel('Due').fill('2030-01-15T09:30');
    await history.getByText(/dueAt/).waitFor();
    const stored = await json(app.api(`/api/v1/tickets/${number}`));
    expect(stored.customFields).toEqual({ plan: 'gold' });
    expect(stored.links).toEqual([{ type: 'order', id: '4711', url: 'https://shop.example/orders/4711' }]);
    expect(new Date(stored.dueAt).getFullYear()).toBe(2030);
    // The contact card lists the requester's other tickets, not this one.
    await side.getByRole('region', { name: 'Contact' }).getByText('No other tickets.').waitFor();
    expect(await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze().then((r) => r.violations.map((v) => `${v.id}: ${v.help}`))).toEqual([]);
    await screenshot(page, 'ticket-side-panel');
    await side.getByRole('button', { name: 'Remove link order 4711' }).click();
    await expect.poll(async () => (await json(app.api(`/api/v1/tickets/${number}`))).links).toEqual([]);
    await history.getByText('links order 4711 → —').waitFor();
  });

  it('updates the folder counts live when a mail arrives and when a ticket is assigned', async () => {
    await page.getByRole('link', { name: /Back to inbox/ }).click();
    await page.locator('[data-count="all"]').waitFor();
    // The new mail's ticket waits on the customer: it is under Waiting, not Open.
    await page.getByRole('button', { name: 'Waiting', exact: true }).click();
    await page.getByRole('link', { name: /Your renewal is due/ }).waitFor();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByRole('link', { name: /Your renewal is due/ }).count()).toBe(0);
    const [all, unassigned, mine] = [await count('all'), await count('unassigned'), await count('mine')];
    const sent = await sendMail(app.smtpPort, { from: 'frank@customer.test', to: ['support@support.test'], message: mail({ from: 'frank@customer.test', subject: 'Counting on you' }) });
    expect(sent.code).toBe(250);
    await expect.poll(() => count('all'), { timeout: 10_000 }).toBe(all + 1);
    expect(await count('unassigned')).toBe(unassigned + 1);
    const arrived = (await json(app.api('/api/v1/tickets?q=counting'))).items[0].number;
    expect((await app.api(`/api/v1/tickets/${arrived}`, { method: 'PATCH', json: { assigneeId: app.api.user.id } })).status).toBe(200);
    await expect.poll(() => count('mine'), { timeout: 10_000 }).toBe(mine + 1);
    expect(await count('unassigned')).toBe(unassigned);
    await screenshot(page, 'inbox-counts');
    // n opens a new mail from the inbox, Escape goes back.
    await page.getByRole('heading', { name: 'Inbox' }).click();
    await page.keyboard.press('n');
    await page.getByRole('heading', { name: 'New mail' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  });

  it('shows the SLA deadlines of a ticket, and the first response as met once answered', async () => {
    await page.getByRole('link', { name: /Counting on you/ }).click();
    const sla = page.getByRole('complementary', { name: 'Details' }).getByRole('region', { name: 'Service level' });
    await sla.locator('[data-sla="running"]', { hasText: 'First response: due' }).waitFor();
    await sla.getByText(/Resolution: due/).waitFor();
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.getByRole('form', { name: 'Reply' }).getByLabel('Message').fill('We are on it.');
    await page.getByRole('form', { name: 'Reply' }).getByRole('button', { name: 'Send' }).click();
    await sla.locator('[data-sla="met"]', { hasText: 'First response' }).waitFor();
    // Waiting on the customer stops the clock, and the panel says so.
    await sla.getByText('Paused while the ticket waits or is on hold.').waitFor();
  });

  it('offers a basic agent no New mail, not even at its address, while they still get the templates', async () => {
    const departments = (await json(app.api('/api/v1/departments'))).items.map((d: { id: string }) => d.id);
    const password = 'basic-agent-password-1';
    expect((await app.api('/api/v1/users', { method: 'POST', json: { email: 'bea@support.test', name: 'Bea Basic', role: 'basic', departments, password } })).status).toBe(201);
    const basic = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await basic.goto(`${baseUrl(app)}/new`);
    await basic.getByLabel('Email').fill('bea@support.test');
    await basic.getByLabel('Password').fill(password);
    await basic.getByRole('button', { name: 'Log in' }).click();
    await basic.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await basic.getByRole('link', { name: 'New mail' }).count()).toBe(0);
    expect(await basic.getByRole('form', { name: 'New mail' }).count()).toBe(0);
    await basic.goto(`${baseUrl(app)}/tickets/${number}`);
    await basic.getByRole('button', { name: 'Comment' }).click();
    await basic.getByRole('form', { name: 'Comment' }).getByLabel('Insert template').selectOption({ label: 'Tracking link' });
    expect(await basic.getByRole('form', { name: 'Comment' }).getByLabel('Internal note').inputValue()).toContain('https://track.example/4711');
    // Her side panel shows the fields without letting her change them.
    expect(await basic.getByRole('complementary', { name: 'Details' }).getByLabel('Plan').isDisabled()).toBe(true);
  });
});
