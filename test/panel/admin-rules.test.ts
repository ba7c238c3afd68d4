import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { json, mail, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { screenshot } from './browser.js';
import { axeAudit, openAdminPanel } from './admin-panel.js';

// An admin writes a rule in the editor; a mail sent by SMTP then gets its actions. A second
// rule is tried on a ticket with the dry run, moved above the first, and switched off.

describe('rules written in the panel', () => {
  let app: TestApp;
  let page: Page;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => void ({ app, page, base, close } = await openAdminPanel()));
  afterAll(async () => close?.());

  /** Sends a mail by SMTP and returns its ticket once the rules have run on it. */
  const ticketFromMail = async (subject: string) => {
    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject }) })).code).toBe(250);
    await app.ingestor.idle();
    await app.rules.idle();
    const [found] = (await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(subject)}`))).items;
    return json(app.api(`/api/v1/tickets/${found.number}`));
  };
  const rules = async () => (await json(app.api('/api/v1/rules'))).items as Array<{ id: string; name: string; position: number; enabled: boolean }>;

  it('writes "refund mail is urgent" in the editor, and a refund mail arrives urgent and tagged', async () => {
    await page.goto(`${base}/admin/rules`);
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const editor = page.getByRole('form', { name: 'Add a rule' });
    await editor.getByLabel('Name', { exact: true }).fill('Refunds are urgent');
    expect(await editor.getByLabel('New ticket').isChecked()).toBe(true);
    await editor.getByRole('button', { name: 'Add a condition' }).click();
    await editor.getByLabel('Condition 1', { exact: true }).selectOption('subjectContains');
    await editor.getByLabel('Value (Condition 1)').fill('refund');
    await editor.getByLabel('Priority (Action 1)').selectOption('urgent');
    await editor.getByRole('button', { name: 'Add an action' }).click();
    await editor.getByLabel('Tags (separated by commas) (Action 2)').fill('Refund, money');
    await screenshot(page, 'admin-rule-editor');
    expect(await axeAudit(page, 'rule editor')).toEqual([]);
    await editor.getByRole('button', { name: 'Save' }).click();
    const listed = page.locator('ol.rules > li').filter({ hasText: 'Refunds are urgent' });
    await listed.waitFor();
    expect(await listed.locator('.rule-summary').textContent()).toBe('If Subject contains: refund. Then: Set priority: urgent; Add tags: refund, money.');
    const [rule] = await rules();
    expect(rule).toMatchObject({
      name: 'Refunds are urgent', enabled: true, triggers: ['ticket-created'],
      conditions: [{ kind: 'subjectContains', value: 'refund' }],
      actions: [{ kind: 'setPriority', value: 'urgent' }, { kind: 'addTags', value: ['refund', 'money'] }],
    });

    const refund = await ticketFromMail('Refund for order 12');
    expect(refund).toMatchObject({ priority: 'urgent', tags: expect.arrayContaining(['refund', 'money']) });
    const other = await ticketFromMail('Where is my parcel');
    expect(other.priority).toBe('medium');
    expect(other.tags).toEqual([]);
  });

  it('tries a second rule on a ticket, moves it first, and switches it off', async () => {
    const other = await ticketFromMail('Question about sizes');
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const editor = page.getByRole('form', { name: 'Add a rule' });
    await editor.getByLabel('Name', { exact: true }).fill('Mail from example.com is S2');
    await editor.getByRole('button', { name: 'Add a condition' }).click();
    await editor.getByLabel('Condition 1', { exact: true }).selectOption('senderDomain');
    await editor.getByLabel('Value (Condition 1)').fill('example.com');
    await editor.getByLabel('Action 1', { exact: true }).selectOption('setSeverity');
    await editor.getByLabel('Severity (Action 1)').selectOption('S2');
    await editor.getByRole('button', { name: 'Save' }).click();
    const second = page.getByRole('listitem').filter({ hasText: 'Mail from example.com is S2' });
    await second.waitFor();

    // The dry run says what it would do to the ticket, and does nothing.
    const tryIt = page.getByRole('form', { name: 'Try Mail from example.com is S2 on a ticket' });
    await tryIt.getByLabel('Ticket number').fill(String(other.number));
    await tryIt.getByRole('button', { name: 'Try it' }).click();
    const result = second.getByRole('status');
    await result.waitFor();
    expect(await result.getAttribute('data-matched')).toBe('true');
    expect(await result.textContent()).toContain('change severity from S3 to S2');
    expect((await json(app.api(`/api/v1/tickets/${other.number}`))).severity).toBe('S3');
    await screenshot(page, 'admin-rules');
    expect(await axeAudit(page, 'rules')).toEqual([]);

    // Order: the new rule moves above the first; the API runs them in that order.
    await page.getByRole('button', { name: 'Move Mail from example.com is S2 up' }).click();
    await expect.poll(async () => (await rules()).sort((a, b) => a.position - b.position).map((r) => r.name)).toEqual(['Mail from example.com is S2', 'Refunds are urgent']);
    await page.locator('ol.rules > li').first().filter({ hasText: 'Mail from example.com is S2' }).waitFor();

    await page.getByLabel('Active: Mail from example.com is S2').uncheck();
    await expect.poll(async () => (await rules()).find((r) => r.name.startsWith('Mail from'))!.enabled).toBe(false);
    expect((await ticketFromMail('Another question')).severity).toBe('S3');
  });
});
