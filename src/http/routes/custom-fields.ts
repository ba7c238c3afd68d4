import type { FastifyInstance } from 'fastify';
import { Batch } from '../../store/db.js';
import { customFieldDefinitions, putCustomFieldDefinitions } from '../../store/custom-fields.js';
import { CUSTOM_FIELD_TYPES, type CustomFieldDefinition } from '../../desk/custom-fields.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk } from '../guard.js';
import { audit } from './audit.js';

// Admins define custom ticket fields; everyone reads the definitions (the panel draws them).
// Removing a definition leaves stored values alone; they can be cleared with null.

const fieldPublic = { type: 'boolean', description: "Shown on the help centre's public form for customers to fill in." } as const;

export async function customFieldRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;

  app.get('/custom-fields', async () => ({ items: await customFieldDefinitions(db) }));

  app.post('/custom-fields', {
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'label', 'type'],
        properties: {
          key: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,39}$' },
          label: { type: 'string', minLength: 1, maxLength: 100 },
          type: { type: 'string', enum: CUSTOM_FIELD_TYPES },
          options: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
          public: fieldPublic,
        },
      },
    },
  }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const def = req.body as CustomFieldDefinition;
    if ((def.type === 'select') !== !!def.options) throw new ApiError(400, 'invalid_request', 'A select field needs options; other fields take none.');
    await db.serial(async () => {
      const defs = await customFieldDefinitions(db);
      if (defs.some((d) => d.key === def.key)) throw new ApiError(409, 'key_taken', `A custom field "${def.key}" exists already.`);
      const batch = new Batch();
      putCustomFieldDefinitions(db, batch, [...defs, def]);
      audit(app, req, batch, 'custom-field.create', def.key, { type: def.type });
      await db.commit(batch);
    });
    return reply.status(201).send(def);
  });

  // Renaming a field or changing its type would change what stored values mean: only the
  // label and whether customers see it on the help centre's form change here.
  app.patch('/custom-fields/:key', {
    schema: {
      params: { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 40 } } },
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { label: { type: 'string', minLength: 1, maxLength: 100 }, public: fieldPublic } },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const { key } = req.params as { key: string };
    const input = req.body as { label?: string; public?: boolean };
    return db.serial(async () => {
      const defs = await customFieldDefinitions(db);
      const def = defs.find((d) => d.key === key);
      if (!def) throw notFound(`Custom field "${key}"`);
      const updated = { ...def, ...input };
      const batch = new Batch();
      putCustomFieldDefinitions(db, batch, defs.map((d) => (d.key === key ? updated : d)));
      audit(app, req, batch, 'custom-field.update', key, input);
      await db.commit(batch);
      return updated;
    });
  });

  app.delete('/custom-fields/:key', {
    schema: { params: { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 40 } } } },
  }, async (req, reply) => {
    requireDesk(req, 'manage-settings');
    const { key } = req.params as { key: string };
    await db.serial(async () => {
      const defs = await customFieldDefinitions(db);
      if (!defs.some((d) => d.key === key)) throw notFound(`Custom field "${key}"`);
      const batch = new Batch();
      putCustomFieldDefinitions(db, batch, defs.filter((d) => d.key !== key));
      audit(app, req, batch, 'custom-field.delete', key);
      await db.commit(batch);
    });
    return reply.status(204).send();
  });
}
