import type { Batch, Db } from './db.js';
import type { CustomFieldDefinition } from '../desk/custom-fields.js';

// The custom field definitions: a short list, kept as one record.

export async function customFieldDefinitions(db: Db): Promise<CustomFieldDefinition[]> {
  return (await db.get<CustomFieldDefinition[]>(db.sub.meta, 'customFields')) ?? [];
}

export function putCustomFieldDefinitions(db: Db, batch: Batch, defs: CustomFieldDefinition[]): void {
  batch.put(db.sub.meta, 'customFields', defs);
}
