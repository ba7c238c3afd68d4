import type { CustomFieldValue } from './types.js';

// Custom ticket fields that admins define; tickets carry values for them, checked here.

export type CustomFieldType = 'text' | 'number' | 'date' | 'select' | 'checkbox';
export const CUSTOM_FIELD_TYPES: readonly CustomFieldType[] = ['text', 'number', 'date', 'select', 'checkbox'];

export interface CustomFieldDefinition {
  /** The name values are stored under: letters, digits, underscore. */
  key: string;
  label: string;
  type: CustomFieldType;
  /** The choices of a select field. */
  options?: string[];
  /** Shown on the help centre's public form, where customers may fill it in. */
  public?: boolean;
}

export const MAX_TEXT = 1000;

/** Why a value does not fit its field, or null when it does. null values (clearing a field) always fit. */
export function customValueProblem(def: CustomFieldDefinition | undefined, key: string, value: CustomFieldValue): string | null {
  if (!def) return `There is no custom field "${key}"; an admin defines fields first.`;
  if (value === null) return null;
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT ? null : `${def.label} takes text of up to ${MAX_TEXT} characters.`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${def.label} takes a number.`;
    case 'date':
      // A calendar date, ISO 8601 (YYYY-MM-DD), that exists.
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value) ? null : `${def.label} takes a date as YYYY-MM-DD.`;
    case 'select':
      return typeof value === 'string' && (def.options ?? []).includes(value) ? null : `${def.label} takes one of: ${(def.options ?? []).join(', ')}.`;
    case 'checkbox':
      return typeof value === 'boolean' ? null : `${def.label} takes true or false.`;
  }
}
