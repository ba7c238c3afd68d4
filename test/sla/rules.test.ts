import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { apiError, departmentId, person, ticketByMail } from '../helpdesk/fixture.js';
import { addFromAddress } from '../outbound/fixtures.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';

describe('rules on new tickets, new messages and field changes', () => {
  let app: TestApp;
  let relay: Relay;

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp();
    await addFromAddress(app, relay);
  });
  afterAll(async () => {
    await app.close();
    await relay.close();
  });

  const rule = async (body: Record<string, unknown>) => {
    const res = await app.api('/api/v1/rules', { method: 'POST', json: body });
    if (res.status !== 201) throw new Error(`rule not created: ${res.status} ${await res.text()}`);
    return json(res);
  };
  const ticket = (n: number) => json(app.api(`/api/v1/tickets/${n}`));
  const mailed = async (subject: string, from: string) => {
    const n = await ticketByMail(app, subject, from);
    await app.rules.idle();
    return n;
  };

  it('raises mail from a key account to S1, flags it "priority customer" and tells the customer (the seed example)', async () => {
    expect((await app.api('/api/v1/contacts', { method: 'POST', json: { email: 'ceo@bigcorp.test', name: 'Big Corp CEO', fields: { keyAccount: true } } })).status).toBe(201);
    await rule({
      name: 'Key accounts first',
      triggers: ['ticket-created', 'message-received'],
      conditions: [{ kind: 'contactField', key: 'keyAccount', value: true }],
      actions: [
        { kind: 'setSeverity', value: 'S1' },
        { kind: 'addTags', value: ['priority customer'] },
        { kind: 'comment', text: 'Key account: answer within the hour.' },
        { kind: 'sendTemplate', subject: 'Re: {subject} [#{number}]', text: 'Dear {name}, your account manager has been told.' },
      ],
    });
    const vip = await mailed('Invoices missing', 'ceo@bigcorp.test');
    const plain = await mailed('Invoices missing too', 'someone@customer.test');
    const t = await ticket(vip);
    expect(t).toMatchObject({ severity: 'S1', tags: ['priority customer'] });
    expect(await ticket(plain)).toMatchObject({ severity: 'S3', tags: [] });
    const comments = (await json(app.api(`/api/v1/tickets/${vip}/comments`))).items;
    expect(comments).toEqual([expect.objectContaining({ author: { id: 'rules', name: 'Rules' }, text: 'Key account: answer within the hour.' })]);
    const timeline = (await json(app.api(`/api/v1/tickets/${vip}/timeline`))).items.filter((e: any) => e.by.id === 'rules');
    expect(timeline.map((e: any) => e.what)).toEqual(['severity', 'tags', 'comment']);
    expect(timeline[0].note).toBe('Rule: Key accounts first');
    const sent = await waitFor(async () => relay.received.find((r) => r.raw.includes('your account manager has been told')), 'the template mail on the relay');
    expect(sent.raw).toContain(`Subject: Re: Invoices missing [#${vip}]`);
    expect(sent.raw).toContain('Dear Customer, your account manager');
    expect(sent.raw).toMatch(/Auto-Submitted: auto-generated/i);
  });

  it('runs rules in order, skips disabled ones and stops where a rule says so', async () => {
    await rule({ name: 'Refunds to billing', position: 100, triggers: ['ticket-created'], conditions: [{ kind: 'subjectContains', value: 'REFUND' }], actions: [{ kind: 'addTags', value: ['billing'] }, { kind: 'stop' }] });
    await rule({ name: 'Never reached', position: 200, triggers: ['ticket-created'], conditions: [{ kind: 'subjectContains', value: 'refund' }], actions: [{ kind: 'addTags', value: ['late'] }] });
    await rule({ name: 'Switched off', position: 50, enabled: false, triggers: ['ticket-created'], conditions: [], actions: [{ kind: 'addTags', value: ['off'] }] });
    const n = await mailed('Refund for order 77', 'dan@customer.test');
    expect((await ticket(n)).tags).toEqual(['billing']);
  });

  it('runs on a field change and shows the result in the PATCH answer', async () => {
    const sales = await departmentId(app, 'Sales');
    const boss = await person(app, 'admin', 'boss', [sales]);
    await rule({ name: 'Urgent goes to the boss', triggers: ['field-changed'], conditions: [{ kind: 'priority', value: ['urgent'] }, { kind: 'tag', value: 'escalated', negate: true }], actions: [{ kind: 'setAssignee', value: boss.id }, { kind: 'addTags', value: ['escalated'] }] });
    const n = await mailed('Everything is down', 'erin@customer.test');
    const res = await json(app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { priority: 'urgent' } }));
    expect(res).toMatchObject({ priority: 'urgent', assignee: { id: boss.id }, tags: ['escalated'] });
  });

  it('runs on field changes made by a bulk action, ticket by ticket', async () => {
    await rule({ name: 'Tagged VIP by hand', triggers: ['field-changed'], conditions: [{ kind: 'tag', value: 'vip' }], actions: [{ kind: 'setPriority', value: 'high' }, { kind: 'addTags', value: ['seen-by-rules'] }] });
    const a = await mailed('Bulk one', 'ines@customer.test');
    const b = await mailed('Bulk two', 'jon@customer.test');
    const res = await json(app.api('/api/v1/tickets/bulk', { method: 'POST', json: { numbers: [a, b], action: 'tag', tags: ['vip'] } }));
    expect(res).toMatchObject({ done: 2, failed: 0 });
    for (const n of [a, b]) expect(await ticket(n)).toMatchObject({ priority: 'high', tags: ['vip', 'seen-by-rules'] });
  });

  it('runs on a new message in an existing ticket', async () => {
    await rule({ name: 'Churn risk', triggers: ['message-received'], conditions: [{ kind: 'bodyContains', value: 'cancel my subscription' }], actions: [{ kind: 'addTags', value: ['churn-risk'] }] });
    const n = await mailed('Billing question', 'hal@customer.test');
    expect((await ticket(n)).tags).toEqual([]);
    const reply = mail({ from: 'Hal <hal@customer.test>', subject: `Re: [#${n}] Billing question`, body: 'Otherwise I will cancel my subscription.' });
    expect((await sendMail(app.smtpPort, { from: 'hal@customer.test', to: ['support@support.test'], message: reply })).code).toBe(250);
    await app.ingestor.idle();
    await app.rules.idle();
    expect((await ticket(n)).tags).toEqual(['churn-risk']);
  });

  it('dry-runs a rule against a ticket: what would change, nothing written', async () => {
    const n = await mailed('Weekend question', 'fay@customer.test');
    const r = await rule({ name: 'From customer.test', enabled: false, triggers: ['ticket-created'], conditions: [{ kind: 'senderDomain', value: 'customer.test' }], actions: [{ kind: 'setPriority', value: 'high' }, { kind: 'comment', text: 'Partner domain.' }] });
    const before = await ticket(n);
    const dry = await json(app.api(`/api/v1/rules/${r.id}/dry-run`, { method: 'POST', json: { ticket: n } }));
    expect(dry).toEqual({ matched: true, changes: [{ what: 'priority', from: 'medium', to: 'high' }], comments: ['Partner domain.'], mails: [] });
    const after = await ticket(n);
    expect(after.priority).toBe('medium');
    expect(after.updatedAt).toBe(before.updatedAt);
    expect((await json(app.api(`/api/v1/tickets/${n}/comments`))).items).toEqual([]);
  });

  it('refuses a rule that cannot run, and lets only admins write rules', async () => {
    expect(await apiError(app.api('/api/v1/rules', { method: 'POST', json: { name: 'x', triggers: ['ticket-created'], actions: [{ kind: 'setPriority', value: 'asap' }] } }))).toMatchObject({ status: 400, code: 'invalid_rule', message: '"asap" is not a priority.' });
    expect((await apiError(app.api('/api/v1/rules', { method: 'POST', json: { name: 'x', triggers: ['ticket-created'], conditions: [{ kind: 'contactField', value: true }], actions: [{ kind: 'stop' }] } }))).message).toBe('The condition "contactField" (#1) needs key.');
    expect((await apiError(app.api('/api/v1/rules', { method: 'POST', json: { name: 'x', triggers: ['ticket-created'], actions: [{ kind: 'setAssignee', value: 'nobody' }] } }))).message).toBe('nobody is not an active agent or admin.');
    const agent = await person(app, 'agent', 'gil', []);
    expect((await apiError(agent.api('/api/v1/rules'))).status).toBe(403);
  });
});
