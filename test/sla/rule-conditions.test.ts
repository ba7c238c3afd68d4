import { describe, expect, it } from 'vitest';
import { conditionHolds, runRules, type Rule, type RuleCondition, type RuleContext } from '../../src/desk/rules.js';
import { withTicketDefaults, type FullTicket, type VerdictSummary } from '../../src/desk/types.js';

// Each condition and action of the rules, on plain data.
const ticket: FullTicket = withTicketDefaults({
  number: 1001, subject: 'Invoice wrong', status: 'open', requester: { email: 'ceo@bigcorp.test', name: 'Ann' }, contactId: 'c1', departmentId: 'd-billing',
  alias: 'Billing@Support.test', participants: [], messageCount: 1, flags: [], linkedTickets: [], createdAt: 0, updatedAt: 0, tags: ['vip'], priority: 'high', severity: 'S2',
});
const dmarcFail: VerdictSummary = { spf: { result: 'pass' }, dkim: [{ result: 'fail' }], dmarc: { result: 'fail' }, arc: { result: 'none' } };
// Wednesday 2026-11-25 20:30 UTC = 21:30 in Madrid.
const ctx: RuleContext = {
  ticket,
  message: { from: { email: 'CEO@BigCorp.test', name: 'Ann' }, subject: 'Invoice wrong', text: 'The total is off by 10 EUR.', verdict: dmarcFail },
  contact: { fields: { keyAccount: true, tier: 'gold' } },
  now: Date.UTC(2026, 10, 25, 20, 30),
};

describe('rule conditions', () => {
  const cases: Array<[RuleCondition, boolean]> = [
    [{ kind: 'sender', value: 'ceo@bigcorp.test' }, true],
    [{ kind: 'sender', value: 'cfo@bigcorp.test' }, false],
    [{ kind: 'senderDomain', value: 'bigcorp.test' }, true],
    [{ kind: 'senderDomain', value: 'corp.test' }, false],
    [{ kind: 'contactField', key: 'keyAccount', value: true }, true],
    [{ kind: 'contactField', key: 'tier', value: 'silver' }, false],
    [{ kind: 'subjectContains', value: 'INVOICE' }, true],
    [{ kind: 'bodyContains', value: '10 eur' }, true],
    [{ kind: 'bodyContains', value: 'refund' }, false],
    [{ kind: 'supportAddress', value: 'billing@support.test' }, true],
    [{ kind: 'department', value: 'd-billing' }, true],
    [{ kind: 'priority', value: ['high', 'urgent'] }, true],
    [{ kind: 'severity', value: ['S1'] }, false],
    [{ kind: 'tag', value: 'VIP' }, true],
    [{ kind: 'tag', value: 'vip', negate: true }, false],
    [{ kind: 'verdict', check: 'dmarc', result: 'fail' }, true],
    [{ kind: 'verdict', check: 'spf', result: 'fail' }, false],
    [{ kind: 'verdict', check: 'dkim', result: 'fail' }, true],
    [{ kind: 'time', timeZone: 'Europe/Madrid', from: '18:00', to: '08:00' }, true],
    [{ kind: 'time', timeZone: 'Europe/Madrid', days: ['wed'], from: '09:00', to: '18:00' }, false],
    [{ kind: 'time', timeZone: 'America/New_York', days: ['wed'], from: '09:00', to: '18:00' }, true],
  ];
  it.each(cases)('%j holds: %s', (c, holds) => expect(conditionHolds(c, ctx)).toBe(holds));
});

describe('rule actions', () => {
  const rule = (actions: Rule['actions'], extra: Partial<Rule> = {}): Rule => ({ id: 'r', name: 'R', position: 1, enabled: true, triggers: ['ticket-created'], conditions: [], actions, createdAt: 0, updatedAt: 0, ...extra });
  it('sets fields, tags, comments and mails with placeholders, in order', () => {
    const out = runRules([
      rule([{ kind: 'setPriority', value: 'urgent' }, { kind: 'setSeverity', value: 'S1' }, { kind: 'setDepartment', value: 'd-vip' }, { kind: 'setAssignee', value: 'u1' }]),
      rule([{ kind: 'addTags', value: ['Priority customer'] }, { kind: 'setField', key: 'account', value: 'BigCorp' }, { kind: 'comment', text: 'Key account.' }, { kind: 'sendTemplate', subject: '[#{number}] {subject}', text: 'Hello {name}' }], { id: 'r2', position: 2 }),
    ], 'ticket-created', ctx);
    expect(out.ticket).toMatchObject({ priority: 'urgent', severity: 'S1', departmentId: 'd-vip', assigneeId: 'u1', tags: ['vip', 'priority customer'], customFields: { account: 'BigCorp' } });
    expect(out.comments).toEqual(['Key account.']);
    expect(out.mails).toEqual([{ subject: '[#1001] Invoice wrong', text: 'Hello Ann' }]);
    expect(out.changes.map((c) => c.what)).toEqual(['priority', 'severity', 'departmentId', 'assigneeId', 'tags', 'customFields']);
  });
  it('fills the mail templates\' placeholders in a rule\'s mail too, and leaves unknown ones as written', () => {
    const out = runRules([
      rule([{ kind: 'sendTemplate', subject: '[#{{ticket.number}}] {{ ticket.subject }}', text: 'Hello {{customer.name}} <{{customer.email}}>, {{agent.name}} will call.' }]),
    ], 'ticket-created', ctx);
    expect(out.mails).toEqual([{ subject: '[#1001] Invoice wrong', text: `Hello Ann <${ctx.ticket.requester.email}>, {{agent.name}} will call.` }]);
  });
  it('stops, and a later rule sees what an earlier one changed; other triggers do not run it', () => {
    const out = runRules([
      rule([{ kind: 'setSeverity', value: 'S1' }], { id: 'a', position: 1 }),
      rule([{ kind: 'addTags', value: ['s1'] }, { kind: 'stop' }], { id: 'b', position: 2, conditions: [{ kind: 'severity', value: ['S1'] }] }),
      rule([{ kind: 'addTags', value: ['never'] }], { id: 'c', position: 3 }),
      rule([{ kind: 'addTags', value: ['other-trigger'] }], { id: 'd', position: 0, triggers: ['message-received'] }),
    ], 'ticket-created', ctx);
    expect(out.matched.map((m) => m.id)).toEqual(['a', 'b']);
    expect(out.ticket.tags).toEqual(['vip', 's1']);
  });
});
