import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { getDepartment, listDepartments } from '../../store/directory.js';
import { getHelpCentre, putHelpCentre } from '../../store/help-centre.js';
import { getRatingSettings } from '../../store/ratings.js';
import { SLUG_PATTERN, slugify, type HelpCentrePage, type HelpCentreSettings } from '../../desk/help-centre.js';
import type { Department } from '../../desk/types.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk } from '../guard.js';
import { audit } from './audit.js';

// Admin settings of the help centre (issue 5): the public address portal links start with,
// how long they work, and per department whether its public page is on, its address (slug),
// title and introduction. Admins only, like the rating settings.

/** Path segments of the public pages that a department's slug may not take. */
const RESERVED_SLUGS = new Set(['portal', 'help']);

const pageProperties = {
  enabled: { type: 'boolean' },
  slug: { type: 'string', pattern: SLUG_PATTERN, description: 'The page is served at /help/<slug>.' },
  title: { type: 'string', minLength: 1, maxLength: 120 },
  intro: { type: 'string', maxLength: 4000, description: 'Plain text above the form; blank lines start paragraphs.' },
} as const;

const pageDefaults = (d: Department): HelpCentrePage => ({ departmentId: d.id, enabled: false, slug: slugify(d.name), title: `${d.name} – help centre`, intro: '' });

/** Every department's page, with the defaults of those never set up, as the admin screen lists them. */
async function view(app: FastifyInstance, settings: HelpCentreSettings) {
  const departments = await listDepartments(app.deps.db);
  return {
    publicUrl: settings.publicUrl,
    portalLinkDays: settings.portalLinkDays,
    pages: departments.map((d) => {
      const page = settings.pages.find((p) => p.departmentId === d.id) ?? pageDefaults(d);
      return { ...page, departmentName: d.name, path: `/help/${page.slug}` };
    }),
  };
}

export async function helpCentreSettingsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/help-centre', async (req) => {
    requireDesk(req, 'manage-settings');
    return view(app, await getHelpCentre(db));
  });

  app.patch('/help-centre', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          publicUrl: { type: 'string', maxLength: 300, pattern: '^(https?://[^\\s/?#]+(/[^\\s?#]*)?)?$' },
          portalLinkDays: { type: 'integer', minimum: 1, maximum: 365 },
        },
      },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const input = req.body as Partial<Pick<HelpCentreSettings, 'publicUrl' | 'portalLinkDays'>>;
    return db.serial(async () => {
      const next = { ...(await getHelpCentre(db)), ...input };
      const batch = new Batch();
      putHelpCentre(db, batch, next);
      audit(app, req, batch, 'help-centre.update', 'help-centre', input);
      await db.commit(batch);
      return view(app, next);
    });
  });

  app.put('/help-centre/pages/:departmentId', {
    schema: {
      params: { type: 'object', required: ['departmentId'], properties: { departmentId: { type: 'string', maxLength: 40 } } },
      body: { type: 'object', additionalProperties: false, required: ['enabled'], properties: pageProperties },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const { departmentId } = req.params as { departmentId: string };
    const input = req.body as Partial<HelpCentrePage> & { enabled: boolean };
    const department = await getDepartment(db, departmentId);
    if (!department) throw notFound(`Department ${departmentId}`);
    return db.serial(async () => {
      const settings = await getHelpCentre(db);
      const current = settings.pages.find((p) => p.departmentId === departmentId) ?? pageDefaults(department);
      const page: HelpCentrePage = { ...current, ...input, departmentId };
      if (RESERVED_SLUGS.has(page.slug)) throw new ApiError(400, 'slug_reserved', `"${page.slug}" is part of the help centre's own addresses; choose another slug.`);
      if (settings.pages.some((p) => p.departmentId !== departmentId && p.slug === page.slug)) throw new ApiError(409, 'slug_taken', `Another department's page is at /help/${page.slug} already.`);
      // The confirmation mail links the customer to the portal: it needs the address customers reach us at.
      if (page.enabled && !settings.publicUrl && !(await getRatingSettings(db)).publicUrl) {
        throw new ApiError(400, 'invalid_request', 'Set publicUrl (PATCH /api/v1/help-centre), the address customers reach the desk at, before switching a help centre page on.');
      }
      const next = { ...settings, pages: [...settings.pages.filter((p) => p.departmentId !== departmentId), page] };
      const batch = new Batch();
      putHelpCentre(db, batch, next);
      audit(app, req, batch, 'help-centre.page', departmentId, { ...input });
      await db.commit(batch);
      return { ...page, departmentName: department.name, path: `/help/${page.slug}` };
    });
  });
}
