import { applyUpdate, type FieldChange, type TicketUpdate } from './lifecycle.js';
import { localTime, type Weekday } from './business-hours.js';
import type { Account, Contact, CustomFieldValue, FullTicket, Message, Priority, Severity } from './types.js';

// Rules: "when mail from a key account arrives, make it S1 and tag it". Pure: the runner
// gives the ticket, the message that triggered the run, the contact and the clock; this
// says what would change. The same function serves the real run and the dry run.

export type RuleTrigger = 'ticket-created' | 'message-received' | 'field-changed';
export const RULE_TRIGGERS: readonly RuleTrigger[] = ['ticket-created', 'message-received', 'field-changed'];

export type RuleCondition =
  | { kind: 'sender'; value: string; negate?: boolean }
  | { kind: 'senderDomain'; value: string; negate?: boolean }
  | { kind: 'contactField'; key: string; value: string | number | boolean; negate?: boolean }
  /** The requester's account (company) by name, case-insensitively. */
  | { kind: 'account'; value: string; negate?: boolean }
  /** The requester's account is (true) or is not (false) marked a key account. */
  | { kind: 'keyAccount'; value: boolean; negate?: boolean }
  | { kind: 'subjectContains' | 'bodyContains'; value: string; negate?: boolean }
  | { kind: 'supportAddress'; value: string; negate?: boolean }
  | { kind: 'department'; value: string; negate?: boolean }
  | { kind: 'priority'; value: Priority[]; negate?: boolean }
  | { kind: 'severity'; value: Severity[]; negate?: boolean }
  | { kind: 'tag'; value: string; negate?: boolean }
  | { kind: 'verdict'; check: 'spf' | 'dkim' | 'dmarc'; result: string; negate?: boolean }
  /** Local time window, e.g. out of hours: days and from-to "HH:MM" in a zone. */
  | { kind: 'time'; timeZone: string; days?: Weekday[]; from?: string; to?: string; negate?: boolean };

export type RuleAction =
  | { kind: 'setPriority'; value: Priority }
  | { kind: 'setSeverity'; value: Severity }
  | { kind: 'setDepartment'; value: string }
  | { kind: 'setAssignee'; value: string | null }
  | { kind: 'addTags'; value: string[] }
  | { kind: 'setField'; key: string; value: CustomFieldValue }
  | { kind: 'comment'; text: string }
  | { kind: 'sendTemplate'; subject: string; text: string }
  | { kind: 'stop' };

export interface Rule {
  id: string;
  name: string;
  /** Rules run in ascending position. */
  position: number;
  enabled: boolean;
  triggers: RuleTrigger[];
  /** All must hold; an empty list always holds. */
  conditions: RuleCondition[];
  actions: RuleAction[];
  createdAt: number;
  updatedAt: number;
}

export interface RuleContext {
  ticket: FullTicket;
  /** The inbound message that triggered the run, or the ticket's latest one. */
  message?: Pick<Message, 'from' | 'subject' | 'text' | 'verdict'>;
  contact?: Pick<Contact, 'fields'>;
  /** The contact's account, when it has one. */
  account?: Pick<Account, 'name' | 'keyAccount'>;
  now: number;
}

export interface RuleOutcome {
  /** The rules whose conditions held, in the order they ran. */
  matched: Array<{ id: string; name: string }>;
  ticket: FullTicket;
  changes: FieldChange[];
  comments: string[];
  mails: Array<{ subject: string; text: string }>;
}

const lower = (s: string) => s.toLowerCase();

export function conditionHolds(c: RuleCondition, ctx: RuleContext): boolean {
  const { ticket, message } = ctx;
  const sender = lower(message?.from.email ?? ticket.requester.email);
  const holds = (() => {
    switch (c.kind) {
      case 'sender': return sender === lower(c.value);
      case 'senderDomain': return sender.endsWith(`@${lower(c.value).replace(/^@/, '')}`);
      case 'contactField': return ctx.contact?.fields?.[c.key] === c.value;
      case 'account': return !!ctx.account && lower(ctx.account.name.trim()) === lower(c.value.trim());
      case 'keyAccount': return (ctx.account?.keyAccount ?? false) === c.value;
      case 'subjectContains': return lower(message?.subject ?? ticket.subject).includes(lower(c.value));
      case 'bodyContains': return lower(message?.text ?? '').includes(lower(c.value));
      case 'supportAddress': return lower(ticket.alias) === lower(c.value);
      case 'department': return ticket.departmentId === c.value;
      case 'priority': return c.value.includes(ticket.priority);
      case 'severity': return c.value.includes(ticket.severity);
      case 'tag': return ticket.tags.includes(lower(c.value));
      case 'verdict': return verdictResult(message?.verdict ?? null, c.check) === lower(c.result);
      case 'time': return inWindow(c, ctx.now);
    }
  })();
  return c.negate ? !holds : holds;
}

function verdictResult(v: Message['verdict'], check: 'spf' | 'dkim' | 'dmarc'): string | null {
  if (!v) return null;
  if (check === 'dkim') return v.dkim.some((d) => d.result === 'pass') ? 'pass' : lower(v.dkim[0]?.result ?? 'none');
  return lower(v[check].result);
}

function inWindow(c: Extract<RuleCondition, { kind: 'time' }>, now: number): boolean {
  const t = localTime(now, c.timeZone);
  if (c.days && !c.days.includes(t.weekday)) return false;
  const hhmm = `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
  if (c.from && c.to && c.from > c.to) return hhmm >= c.from || hhmm < c.to; // across midnight
  return (!c.from || hhmm >= c.from) && (!c.to || hhmm < c.to);
}

function updateOf(a: RuleAction): TicketUpdate | null {
  switch (a.kind) {
    case 'setPriority': return { priority: a.value };
    case 'setSeverity': return { severity: a.value };
    case 'setDepartment': return { departmentId: a.value };
    case 'setAssignee': return { assigneeId: a.value };
    case 'addTags': return { addTags: a.value };
    case 'setField': return { customFields: { [a.key]: a.value } };
    default: return null;
  }
}

/** Whether any enabled rule runs on `trigger` (when none does, a run changes nothing). */
export function rulesFor(rules: Rule[], trigger: RuleTrigger): boolean {
  return rules.some((r) => r.enabled && r.triggers.includes(trigger));
}

/**
 * Runs the enabled rules for a trigger in order. Each rule sees the ticket as the rules
 * before it left it; a 'stop' action ends the run after its own rule's actions.
 */
export function runRules(rules: Rule[], trigger: RuleTrigger, ctx: RuleContext): RuleOutcome {
  const out: RuleOutcome = { matched: [], ticket: ctx.ticket, changes: [], comments: [], mails: [] };
  const ordered = rules.filter((r) => r.enabled && r.triggers.includes(trigger)).sort((a, b) => a.position - b.position);
  for (const rule of ordered) {
    const here = { ...ctx, ticket: out.ticket };
    if (!rule.conditions.every((c) => conditionHolds(c, here))) continue;
    out.matched.push({ id: rule.id, name: rule.name });
    for (const a of rule.actions) {
      const update = updateOf(a);
      if (update) {
        const { ticket, changes } = applyUpdate(out.ticket, update, ctx.now);
        out.ticket = ticket;
        out.changes.push(...changes);
      } else if (a.kind === 'comment') out.comments.push(a.text);
      else if (a.kind === 'sendTemplate') out.mails.push({ subject: fill(a.subject, out.ticket), text: fill(a.text, out.ticket) });
    }
    if (rule.actions.some((a) => a.kind === 'stop')) break;
  }
  return out;
}

/** Placeholders in template mails: {number}, {subject}, {name}. */
/**
 * A rule's mail text: the placeholders of the mail templates ({{ticket.number}},
 * {{ticket.subject}}, {{customer.name}}, {{customer.email}}) and the short forms rules had
 * first ({number}, {subject}, {name}), so rules written either way keep working.
 */
export function fill(template: string, t: FullTicket): string {
  const name = t.requester.name || t.requester.email;
  const values: Record<string, string> = { 'ticket.number': String(t.number), 'ticket.subject': t.subject, 'customer.name': name, 'customer.email': t.requester.email };
  return template
    .replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole)
    .replaceAll('{number}', String(t.number)).replaceAll('{subject}', t.subject).replaceAll('{name}', name);
}

/** What each condition and action needs besides its kind; the API checks rules against it. */
const NEEDS: Record<string, string[]> = {
  sender: ['value'], senderDomain: ['value'], contactField: ['key', 'value'], account: ['value'], keyAccount: ['value'], subjectContains: ['value'], bodyContains: ['value'],
  supportAddress: ['value'], department: ['value'], priority: ['value'], severity: ['value'], tag: ['value'], verdict: ['check', 'result'], time: ['timeZone'],
  setPriority: ['value'], setSeverity: ['value'], setDepartment: ['value'], setAssignee: ['value'], addTags: ['value'], setField: ['key', 'value'],
  comment: ['text'], sendTemplate: ['subject', 'text'], stop: [],
};

/** Problems with a rule as written; empty when it can run. */
export function ruleProblems(r: Pick<Rule, 'conditions' | 'actions' | 'triggers'>): string[] {
  const problems: string[] = [];
  for (const [i, part] of [...r.conditions.map((c) => ['condition', c] as const), ...r.actions.map((a) => ['action', a] as const)].entries()) {
    const [what, x] = part;
    const missing = (NEEDS[x.kind] ?? []).filter((k) => (x as Record<string, unknown>)[k] === undefined);
    if (missing.length) problems.push(`The ${what} "${x.kind}" (#${i + 1}) needs ${missing.join(' and ')}.`);
  }
  if (r.triggers.length === 0) problems.push('A rule needs at least one trigger.');
  return problems;
}
