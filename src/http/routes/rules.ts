import type { FastifyInstance } from 'fastify';
import { Batch, type Db } from '../../store/db.js';
import { getDepartment, getUser } from '../../store/directory.js';
import { canBeAssigned } from '../../desk/access.js';
import { newId } from '../../store/ids.js';
import { delRule, getRule, listRules, putRule } from '../../store/rules.js';
import { ruleContext } from '../../automation/run-rules.js';
import { RULE_TRIGGERS, ruleProblems, runRules, type Rule, type RuleTrigger } from '../../desk/rules.js';
import { isTimeZone, WEEKDAYS } from '../../desk/business-hours.js';
import { PRIORITIES, SEVERITIES } from '../../desk/types.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk, ticketFor } from '../guard.js';
import { audit } from './audit.js';

// Rules (issue 5): admins write and order them; the dry run shows what a rule would do to
// an existing ticket without writing anything.

const CONDITIONS = ['sender', 'senderDomain', 'contactField', 'account', 'keyAccount', 'subjectContains', 'bodyContains', 'supportAddress', 'department', 'priority', 'severity', 'tag', 'verdict', 'time'];
const ACTIONS = ['setPriority', 'setSeverity', 'setDepartment', 'setAssignee', 'addTags', 'setField', 'comment', 'sendTemplate', 'stop'];
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
// A value is a string, number, boolean, null or a list of strings depending on the kind;
// checked in check() (a schema anyOf would coerce true into "true" first).
const listOrScalar = {} as const;

const ruleFields = {
  name: text(100),
  position: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  enabled: { type: 'boolean' },
  triggers: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: RULE_TRIGGERS } },
  conditions: {
    type: 'array', maxItems: 30,
    items: {
      type: 'object', additionalProperties: false, required: ['kind'],
      properties: {
        kind: { type: 'string', enum: CONDITIONS }, value: listOrScalar, key: text(40), negate: { type: 'boolean' },
        check: { type: 'string', enum: ['spf', 'dkim', 'dmarc'] }, result: text(20), timeZone: text(64),
        days: { type: 'array', items: { type: 'string', enum: WEEKDAYS } }, from: { type: 'string', pattern: '^\\d{2}:\\d{2}$' }, to: { type: 'string', pattern: '^\\d{2}:\\d{2}$' },
      },
    },
  },
  actions: {
    type: 'array', minItems: 1, maxItems: 30,
    items: {
      type: 'object', additionalProperties: false, required: ['kind'],
      properties: { kind: { type: 'string', enum: ACTIONS }, value: listOrScalar, key: text(40), text: text(20_000), subject: text(300) },
    },
  },
} as const;

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } } as const;

/** The departments and people a rule names exist, and its assignee may own tickets. */
async function checkReferences(db: Db, r: Pick<Rule, 'actions' | 'conditions'>): Promise<void> {
  for (const a of r.actions) {
    if (a.kind === 'setDepartment' && !(await getDepartment(db, a.value))) throw new ApiError(400, 'invalid_rule', `No department with id ${a.value}.`);
    if (a.kind === 'setAssignee' && a.value !== null) {
      const u = await getUser(db, a.value);
      if (!u || !canBeAssigned(u)) throw new ApiError(400, 'invalid_rule', `${a.value} is not an active agent or admin.`);
    }
  }
}

/** Checks a schema cannot make: fields per kind, enumerations of values, time zones. */
function check(r: Pick<Rule, 'conditions' | 'actions' | 'triggers'>): void {
  const problems = ruleProblems(r);
  for (const c of r.conditions) {
    if ((c.kind === 'priority' && ![c.value].flat().every((v) => PRIORITIES.includes(v))) || (c.kind === 'severity' && ![c.value].flat().every((v) => SEVERITIES.includes(v)))) {
      problems.push(`The condition "${c.kind}" takes a list of: ${(c.kind === 'priority' ? PRIORITIES : SEVERITIES).join(', ')}.`);
    }
    if (c.kind === 'time' && !isTimeZone(c.timeZone)) problems.push(`"${c.timeZone}" is not a time zone name.`);
    if (c.kind === 'keyAccount' && typeof c.value !== 'boolean') problems.push('The condition "keyAccount" takes true or false.');
    if (c.kind === 'account' && typeof c.value !== 'string') problems.push('The condition "account" takes an account name.');
  }
  for (const x of [...r.conditions, ...r.actions]) {
    const v = (x as { value?: unknown }).value;
    const ok = v === undefined || v === null || ['number', 'boolean'].includes(typeof v) || (typeof v === 'string' && v.length <= 500) || (Array.isArray(v) && v.length <= 50 && v.every((e) => typeof e === 'string' && e.length <= 100));
    if (!ok) problems.push(`The value of "${x.kind}" is too long or not a string, number, boolean or list of strings.`);
  }
  for (const a of r.actions) {
    if ((a.kind === 'setPriority' && !PRIORITIES.includes(a.value)) || (a.kind === 'setSeverity' && !SEVERITIES.includes(a.value))) problems.push(`"${String(a.value)}" is not a ${a.kind === 'setPriority' ? 'priority' : 'severity'}.`);
    if (a.kind === 'addTags' && !Array.isArray(a.value)) problems.push('The action "addTags" takes a list of tags.');
  }
  if (problems.length) throw new ApiError(400, 'invalid_rule', problems.join(' '));
}

export async function ruleRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/rules', async (req) => {
    requireDesk(req, 'manage-settings');
    return { items: await listRules(db) };
  });

  app.post('/rules', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['name', 'triggers', 'actions'], properties: ruleFields } },
  }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const input = req.body as Partial<Rule>;
    const rule = await db.serial(async () => {
      const at = app.deps.now();
      const rules = await listRules(db);
      const r: Rule = {
        id: newId(at), name: input.name!, position: input.position ?? (rules.at(-1)?.position ?? 0) + 10, enabled: input.enabled ?? true,
        triggers: input.triggers!, conditions: input.conditions ?? [], actions: input.actions!, createdAt: at, updatedAt: at,
      };
      check(r);
      await checkReferences(db, r);
      const batch = new Batch();
      putRule(db, batch, r);
      audit(app, req, batch, 'rule.create', r.id, { name: r.name });
      await db.commit(batch);
      return r;
    });
    return reply.status(201).send(rule);
  });

  app.patch('/rules/:id', {
    schema: { params: idParam, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: ruleFields } },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const { id } = req.params as { id: string };
    return db.serial(async () => {
      const current = await getRule(db, id);
      if (!current) throw notFound('That rule');
      const next: Rule = { ...current, ...(req.body as Partial<Rule>), id, updatedAt: app.deps.now() };
      check(next);
      await checkReferences(db, next);
      const batch = new Batch();
      putRule(db, batch, next);
      audit(app, req, batch, 'rule.update', id, { fields: Object.keys(req.body as object) });
      await db.commit(batch);
      return next;
    });
  });

  app.delete('/rules/:id', { schema: { params: idParam } }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const { id } = req.params as { id: string };
    await db.serial(async () => {
      if (!(await getRule(db, id))) throw notFound('That rule');
      const batch = new Batch();
      delRule(db, batch, id);
      audit(app, req, batch, 'rule.delete', id);
      await db.commit(batch);
    });
    return reply.status(204).send();
  });

  app.post('/rules/:id/dry-run', {
    schema: {
      params: idParam,
      body: { type: 'object', additionalProperties: false, required: ['ticket'], properties: { ticket: { type: 'integer', minimum: 1 }, trigger: { type: 'string', enum: RULE_TRIGGERS } } },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const rule = await getRule(db, (req.params as { id: string }).id);
    if (!rule) throw notFound('That rule');
    const body = req.body as { ticket: number; trigger?: RuleTrigger };
    const { ticket } = await ticketFor(app, req, body.ticket, 'view');
    const trigger = body.trigger ?? rule.triggers[0]!;
    // The rule alone, as if enabled and fired by its trigger: nothing is written.
    const outcome = runRules([{ ...rule, enabled: true, triggers: [trigger] }], trigger, await ruleContext(db, ticket, app.deps.now()));
    return { matched: outcome.matched.length > 0, changes: outcome.changes, comments: outcome.comments, mails: outcome.mails };
  });
}
