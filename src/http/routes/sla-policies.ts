import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { getDepartment, getUser } from '../../store/directory.js';
import { delSlaPolicy, getSlaPolicy, listSlaPolicies, putSlaPolicy } from '../../store/sla.js';
import { calendarProblems, WEEKDAYS } from '../../desk/business-hours.js';
import { canBeAssigned } from '../../desk/access.js';
import type { SlaPolicy } from '../../desk/sla.js';
import { PRIORITIES, SEVERITIES } from '../../desk/types.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk } from '../guard.js';
import { audit } from './audit.js';

// SLA policies (issue 5): admins write them, everyone logged in reads them (the panel shows
// due times). One policy per department, plus at most one catch-all (departmentId null).

const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' } as const;
const minutes = { type: 'integer', minimum: 1, maximum: 525_600 } as const;

const policyFields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  departmentId: { type: ['string', 'null'], maxLength: 40 },
  enabled: { type: 'boolean' },
  calendar: {
    type: 'object',
    additionalProperties: false,
    required: ['timeZone', 'week'],
    properties: {
      timeZone: { type: 'string', minLength: 1, maxLength: 64 },
      week: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(WEEKDAYS.map((d) => [d, { type: 'array', maxItems: 4, items: { type: 'array', minItems: 2, maxItems: 2, items: hhmm } }])),
      },
      holidays: { type: 'array', maxItems: 400, items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
    },
  },
  targets: {
    type: 'array',
    maxItems: 40,
    items: {
      type: 'object',
      additionalProperties: false,
      properties: { priority: { type: 'string', enum: PRIORITIES }, severity: { type: 'string', enum: SEVERITIES }, firstResponseMinutes: minutes, resolutionMinutes: minutes },
    },
  },
  escalations: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['at', 'goal'],
      properties: {
        at: { type: 'number', exclusiveMinimum: 0, maximum: 10 },
        goal: { type: 'string', enum: ['firstResponse', 'resolution'] },
        notify: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 40 }, default: [] },
        reassignTo: { type: 'string', maxLength: 40 },
        raisePriority: { type: 'boolean' },
      },
    },
  },
} as const;

type PolicyInput = Partial<Omit<SlaPolicy, 'id' | 'createdAt' | 'updatedAt'>>;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } } as const;

export async function slaPolicyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  /** The checks a schema cannot make: the zone exists, people and departments exist, one policy per department. */
  const check = async (p: SlaPolicy) => {
    const problems = calendarProblems(p.calendar);
    if (problems.length) throw new ApiError(400, 'invalid_calendar', problems.join(' '));
    if (p.departmentId !== null && !(await getDepartment(db, p.departmentId))) throw notFound('That department');
    // The message names the field as a schema refusal does ("body/escalations/0/notify"), so the
    // panel can show it on the escalation it is about.
    for (const [i, e] of p.escalations.entries()) {
      for (const id of e.notify.filter((n) => n !== 'assignee')) {
        if (!(await getUser(db, id))) throw new ApiError(400, 'unknown_user', `body/escalations/${i}/notify: no user with id ${id}.`);
      }
      const assignee = e.reassignTo ? await getUser(db, e.reassignTo) : null;
      if (e.reassignTo && !assignee) throw new ApiError(400, 'unknown_user', `body/escalations/${i}/reassignTo: no user with id ${e.reassignTo}.`);
      // As for a person assigning (ticket updates): the SLA job would otherwise skip it, unseen.
      if (assignee && !canBeAssigned(assignee)) throw new ApiError(400, 'bad_assignee', `body/escalations/${i}/reassignTo: ${assignee.name || assignee.email} cannot own tickets; choose an active agent or admin.`);
    }
    const clash = (await listSlaPolicies(db)).find((o) => o.id !== p.id && o.departmentId === p.departmentId);
    if (clash) throw new ApiError(409, 'policy_exists', `Policy "${clash.name}" covers that department already; change it instead.`);
  };

  app.get('/sla-policies', async () => ({ items: await listSlaPolicies(db) }));

  app.get('/sla-policies/:id', { schema: { params: idParam } }, async (req) => {
    const p = await getSlaPolicy(db, (req.params as { id: string }).id);
    if (!p) throw notFound('That SLA policy');
    return p;
  });

  app.post('/sla-policies', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['name', 'calendar', 'targets'], properties: policyFields } },
  }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const input = req.body as PolicyInput;
    const at = app.deps.now();
    const policy: SlaPolicy = {
      id: newId(at),
      name: input.name!,
      departmentId: input.departmentId ?? null,
      enabled: input.enabled ?? true,
      calendar: { ...input.calendar!, holidays: input.calendar!.holidays ?? [] },
      targets: input.targets!,
      escalations: input.escalations ?? [],
      createdAt: at,
      updatedAt: at,
    };
    await db.serial(async () => {
      await check(policy);
      const batch = new Batch();
      putSlaPolicy(db, batch, policy);
      audit(app, req, batch, 'sla-policy.create', policy.id, { name: policy.name });
      await db.commit(batch);
    });
    return reply.status(201).send(policy);
  });

  app.patch('/sla-policies/:id', {
    schema: { params: idParam, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: policyFields } },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const { id } = req.params as { id: string };
    return db.serial(async () => {
      const current = await getSlaPolicy(db, id);
      if (!current) throw notFound('That SLA policy');
      const input = req.body as PolicyInput;
      const next: SlaPolicy = { ...current, ...input, calendar: input.calendar ? { ...input.calendar, holidays: input.calendar.holidays ?? [] } : current.calendar, id, updatedAt: app.deps.now() };
      await check(next);
      const batch = new Batch();
      putSlaPolicy(db, batch, next);
      audit(app, req, batch, 'sla-policy.update', id, { fields: Object.keys(input) });
      await db.commit(batch);
      return next;
    });
  });

  app.delete('/sla-policies/:id', { schema: { params: idParam } }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const { id } = req.params as { id: string };
    await db.serial(async () => {
      if (!(await getSlaPolicy(db, id))) throw notFound('That SLA policy');
      const batch = new Batch();
      delSlaPolicy(db, batch, id);
      audit(app, req, batch, 'sla-policy.delete', id);
      await db.commit(batch);
    });
    return reply.status(204).send();
  });
}
