import type { CustomFieldDefinition } from './custom-fields.js';
import { customValueProblem } from './custom-fields.js';
import { helpWords, type HelpCentreWords } from './help-centre-words.js';
import type { CustomFieldValue, Message } from './types.js';
import type { Language } from './templates.js';

// The help centre (issue 5): a public page per department with a ticket form, and a portal
// where customers read and answer their tickets through a signed link sent by mail. What is
// decided here is pure: the settings, what a submission must hold, which messages of a
// ticket a customer may see, and the confirmation mail's words.

/** One department's public page. */
export interface HelpCentrePage {
  departmentId: string;
  enabled: boolean;
  /** The page's address: /help/<slug>. */
  slug: string;
  title: string;
  /** Shown above the form, as plain text (paragraphs split on blank lines). */
  intro: string;
}

export interface HelpCentreSettings {
  /** The desk's address as customers reach it, e.g. https://help.example.com; portal links start here. */
  publicUrl: string;
  /** A portal link works this many days after the mail that carries it. */
  portalLinkDays: number;
  pages: HelpCentrePage[];
}

export const DEFAULT_HELP_CENTRE: HelpCentreSettings = { publicUrl: '', portalLinkDays: 30, pages: [] };

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$';

/** "Sales & Billing" → "sales-billing": a default slug for a department. */
export function slugify(name: string): string {
  const s = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return s || 'help';
}

/** A form lives this long after the page was served: long enough to write, short enough that a harvested token goes stale. */
export const FORM_LIFETIME_MS = 4 * 3_600_000;

export const LIMITS = { name: 200, email: 254, subject: 200, description: 20_000 } as const;
/** Attachments of one submission: count and bytes each. */
export const ATTACHMENT_LIMITS = { files: 5, fileBytes: 10 * 1024 * 1024 } as const;

/** The honeypot: a field people never see (hidden by the page's CSS) and bots fill in. */
export const HONEYPOT_FIELD = 'website';
/** Custom fields travel as cf_<key>, so they can never collide with the form's own fields. */
export const customFieldInput = (key: string) => `cf_${key}`;

export interface Submission {
  name: string;
  email: string;
  subject: string;
  description: string;
  customFields: Record<string, CustomFieldValue>;
}

export type SubmissionCheck = { ok: true; submission: Submission } | { ok: false; errors: Record<string, string> };

// Deliberately simple (WHATWG "valid e-mail address" minus quoting): the confirmation mail
// is the real test of the address.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Reads the form's fields (strings as the browser sent them) into a submission, or says what is wrong with each. */
export function checkSubmission(fields: Record<string, string>, publicFields: CustomFieldDefinition[], w: HelpCentreWords = helpWords('en')): SubmissionCheck {
  const errors: Record<string, string> = {};
  // RFC 5322 §2.2: header fields are one line; name and subject end up in headers of our mails.
  const line = (v: string | undefined) => (v ?? '').replace(/[\r\n\t]+/g, ' ').trim();
  const name = line(fields.name);
  const email = line(fields.email).toLowerCase();
  const subject = line(fields.subject);
  const description = (fields.description ?? '').replace(/\r\n?/g, '\n').trim();
  if (!name) errors.name = w.nameMissing;
  else if (name.length > LIMITS.name) errors.name = w.nameTooLong(LIMITS.name);
  if (!EMAIL.test(email) || email.length > LIMITS.email) errors.email = w.emailInvalid;
  if (!subject) errors.subject = w.subjectMissing;
  else if (subject.length > LIMITS.subject) errors.subject = w.subjectTooLong(LIMITS.subject);
  if (!description) errors.description = w.descriptionMissing;
  else if (description.length > LIMITS.description) errors.description = w.descriptionTooLong(LIMITS.description);

  const customFields: Record<string, CustomFieldValue> = {};
  for (const def of publicFields) {
    const raw = (fields[customFieldInput(def.key)] ?? '').trim();
    // Public fields are optional: the customer may not know, and the agent can ask.
    if (raw === '') continue;
    const value: CustomFieldValue = def.type === 'number' ? Number(raw) : def.type === 'checkbox' ? true : raw;
    const problem = customValueProblem(def, def.key, value);
    // The panel's sentence (customValueProblem) is English; the customer reads one in their language.
    if (problem) errors[customFieldInput(def.key)] = w.customField(def);
    else customFields[def.key] = value;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, submission: { name, email, subject, description, customFields } };
}

/** What of a ticket's messages its customer sees: what was sent to them or came from their side; never forwards, bounces or mail kept from them. */
export function portalMessages(messages: Message[]): Message[] {
  const hidden = new Set(['private', 'forward', 'bounce', 'system']);
  return messages.filter((m) => !m.flags.some((f) => hidden.has(f)));
}

/** The paragraph the confirmation mail (and replies) add, in the mail's language: where the customer reads and answers their tickets. */
export function portalParagraph(link: string, days: number, language: Language = 'en'): string {
  return helpWords(language).portalParagraph(link, days);
}
