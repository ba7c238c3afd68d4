import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { getDepartment, listDepartments } from '../../store/directory.js';
import { getTemplateSettings, putTemplateSettings } from '../../store/templates.js';
import { BUILT_IN, departmentTemplates, LANGUAGES, PLACEHOLDERS, TEMPLATE_KINDS, templateProblems, type DepartmentTemplates, type Language, type MailTemplate, type TemplateKind, type TemplateSettings } from '../../desk/templates.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk, userOf } from '../guard.js';
import { audit } from './audit.js';

// Mail templates (issue 5): every logged-in user reads them (agents see what customers are
// sent); admins change them. A template naming a placeholder its kind does not know is
// refused when saved, with the placeholder named, rather than sent with a hole in it.

const template = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['subject', 'text'],
  properties: { subject: { type: 'string', minLength: 1, maxLength: 300 }, text: { type: 'string', minLength: 1, maxLength: 20_000 } },
} as const;
const perLanguage = { type: 'object', additionalProperties: false, properties: Object.fromEntries(LANGUAGES.map((l) => [l, template])) } as const;
const departmentBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    language: { type: 'string', enum: LANGUAGES },
    closingMail: { type: 'boolean' },
    // A template per kind and language; null goes back to the built-in text.
    templates: { type: 'object', additionalProperties: false, properties: Object.fromEntries(TEMPLATE_KINDS.map((k) => [k, perLanguage])) },
  },
} as const;
type DepartmentInput = { language?: Language; closingMail?: boolean; templates?: Partial<Record<TemplateKind, Partial<Record<Language, MailTemplate | null>>>> };

const params = { type: 'object', required: ['departmentId'], properties: { departmentId: { type: 'string', minLength: 1, maxLength: 40 } } } as const;

export async function templateRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  const departmentView = (s: TemplateSettings, d: { id: string; name: string }) => ({ departmentId: d.id, name: d.name, ...departmentTemplates(s, d.id) });
  const view = async () => {
    const s = await getTemplateSettings(db);
    return {
      panelUrl: s.panelUrl,
      languages: LANGUAGES,
      kinds: TEMPLATE_KINDS.map((kind) => ({ kind, placeholders: PLACEHOLDERS[kind], defaults: BUILT_IN[kind] })),
      departments: (await listDepartments(db)).map((d) => departmentView(s, d)),
    };
  };

  app.get('/templates', async (req) => {
    userOf(req);
    return view();
  });

  app.put('/templates', {
    schema: { body: { type: 'object', additionalProperties: false, required: ['panelUrl'], properties: { panelUrl: { type: 'string', maxLength: 300, pattern: '^(https?://[^\\s/?#]+(/[^\\s?#]*)?)?$' } } } },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const { panelUrl } = req.body as { panelUrl: string };
    await db.serial(async () => {
      const batch = new Batch();
      putTemplateSettings(db, batch, { ...(await getTemplateSettings(db)), panelUrl });
      audit(app, req, batch, 'templates.update', 'templates', { panelUrl });
      await db.commit(batch);
    });
    return view();
  });

  app.get('/templates/:departmentId', { schema: { params } }, async (req) => {
    userOf(req);
    const department = await getDepartment(db, (req.params as { departmentId: string }).departmentId);
    if (!department) throw notFound('That department');
    return departmentView(await getTemplateSettings(db), department);
  });

  app.put('/templates/:departmentId', { schema: { params, body: departmentBody } }, async (req) => {
    requireDesk(req, 'manage-settings');
    const department = await getDepartment(db, (req.params as { departmentId: string }).departmentId);
    if (!department) throw notFound('That department');
    const input = req.body as DepartmentInput;
    const problems = Object.entries(input.templates ?? {}).flatMap(([kind, langs]) =>
      Object.entries(langs ?? {}).flatMap(([lang, t]) => (t ? templateProblems(kind as TemplateKind, lang as Language, t) : [])));
    if (problems.length) throw new ApiError(400, problems.some((p) => p.startsWith('Unknown placeholder')) ? 'unknown_placeholder' : 'invalid_template', problems.join(' '));
    const saved = await db.serial(async () => {
      const s = await getTemplateSettings(db);
      const previous = departmentTemplates(s, department.id);
      const next: DepartmentTemplates = {
        language: input.language ?? previous.language,
        closingMail: input.closingMail ?? previous.closingMail,
        templates: { ...previous.templates },
      };
      for (const [kind, langs] of Object.entries(input.templates ?? {}) as Array<[TemplateKind, Partial<Record<Language, MailTemplate | null>>]>) {
        const merged = { ...next.templates[kind] };
        for (const [lang, t] of Object.entries(langs) as Array<[Language, MailTemplate | null]>) {
          if (t) merged[lang] = { subject: t.subject, text: t.text };
          else delete merged[lang];
        }
        if (Object.keys(merged).length) next.templates[kind] = merged;
        else delete next.templates[kind];
      }
      const all: TemplateSettings = { ...s, departments: { ...s.departments, [department.id]: next } };
      const batch = new Batch();
      putTemplateSettings(db, batch, all);
      audit(app, req, batch, 'templates.update', department.id, { changed: Object.keys(input) });
      await db.commit(batch);
      return all;
    });
    return departmentView(saved, department);
  });
}
