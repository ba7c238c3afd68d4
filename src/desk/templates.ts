// Mail templates: what the desk writes by itself to customers (acknowledgement, closing
// mail, rating request) and to agents (notifications), per department, in English and
// Spanish. Pure: the store keeps the admins' texts, the senders pass in the facts.
//
// A placeholder is {{name}}. Values are plain text (the mails are text/plain, nothing is
// interpreted); in the subject, line breaks and other control characters become spaces, so
// no value can start a new header field (RFC 5322 §2.2: a header field ends at CRLF).

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export const TEMPLATE_KINDS = ['acknowledgement', 'closing', 'rating', 'agentNotification'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export interface MailTemplate {
  subject: string;
  text: string;
}

/** A department's choices: its language and its own texts, where it has them. */
export interface DepartmentTemplates {
  /** The language customers of this department are written in, unless their contact says otherwise. */
  language: Language;
  /** Send the closing mail when a Waiting ticket closes by itself (auto-close). */
  closingMail: boolean;
  templates: Partial<Record<TemplateKind, Partial<Record<Language, MailTemplate>>>>;
}

/** All template settings, as stored. */
export interface TemplateSettings {
  /** The panel's address as agents reach it, e.g. https://desk.example.com; {{ticket.link}} starts here. */
  panelUrl: string;
  departments: Record<string, DepartmentTemplates>;
}

export const DEFAULT_TEMPLATE_SETTINGS: TemplateSettings = { panelUrl: '', departments: {} };
export const DEFAULT_DEPARTMENT_TEMPLATES: DepartmentTemplates = { language: 'en', closingMail: false, templates: {} };

const CUSTOMER = ['ticket.number', 'ticket.token', 'ticket.subject', 'customer.name', 'customer.email', 'department.name', 'agent.name'] as const;

/** The placeholders each kind knows; anything else is refused when the template is saved. */
export const PLACEHOLDERS: Record<TemplateKind, readonly string[]> = {
  acknowledgement: CUSTOMER,
  closing: [...CUSTOMER, 'closing.days'],
  rating: [...CUSTOMER, 'rating.link', 'rating.good', 'rating.neutral', 'rating.bad', 'rating.days'],
  // agent.name is the agent the mail goes to; actor.name whoever caused the event.
  agentNotification: [...CUSTOMER, 'ticket.link', 'notification.event', 'notification.text', 'actor.name'],
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Human sentences, one per problem: unknown placeholders, unclosed braces, line breaks in a subject. */
export function templateProblems(kind: TemplateKind, language: Language, t: MailTemplate): string[] {
  const problems: string[] = [];
  const where = (part: string) => `the ${part} of the ${kind} template (${language})`;
  for (const [part, s] of [['subject', t.subject], ['text', t.text]] as const) {
    for (const m of s.matchAll(PLACEHOLDER)) {
      if (!PLACEHOLDERS[kind].includes(m[1]!)) problems.push(`Unknown placeholder {{${m[1]}}} in ${where(part)}; known are ${PLACEHOLDERS[kind].map((p) => `{{${p}}}`).join(', ')}.`);
    }
    const rest = s.replace(PLACEHOLDER, '');
    if (rest.includes('{{') || rest.includes('}}')) problems.push(`Unbalanced {{ or }} in ${where(part)}: write a placeholder as {{ticket.number}}.`);
  }
  if (/[\r\n]/.test(t.subject)) problems.push(`A line break in ${where('subject')}: a subject is one line.`);
  return problems;
}

export type TemplateValues = Partial<Record<string, string | number>>;

// Controls except tab and newline go from text; every control goes from a subject.
const TEXT_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const LINE_CONTROLS = /[\u0000-\u001f\u007f]+/g;

/** Fills the placeholders; one without a value renders empty. */
export function renderTemplate(t: MailTemplate, values: TemplateValues): MailTemplate {
  const fill = (s: string, clean: (v: string) => string) => s.replace(PLACEHOLDER, (_, name: string) => clean(String(values[name] ?? '')));
  const oneLine = (v: string) => v.replace(LINE_CONTROLS, ' ');
  return {
    subject: oneLine(fill(t.subject, oneLine)).replace(/ {2,}/g, ' ').trim(),
    text: fill(t.text, (v) => v.replace(/\r\n?/g, '\n').replace(TEXT_CONTROLS, '')),
  };
}

/**
 * The language to write in: the contact's when it is one we have (a contact field
 * "language", e.g. "es" or "es-MX"), else the department's.
 */
export function chooseLanguage(department: Language, contactLanguage: unknown): Language {
  const tag = typeof contactLanguage === 'string' ? contactLanguage.trim().toLowerCase().split(/[-_]/)[0] : '';
  return (LANGUAGES as readonly string[]).includes(tag ?? '') ? (tag as Language) : department;
}

/** The department's own text for this kind and language, else the built-in one. */
export function templateFor(settings: TemplateSettings, departmentId: string, kind: TemplateKind, language: Language): MailTemplate {
  return settings.departments[departmentId]?.templates[kind]?.[language] ?? BUILT_IN[kind][language];
}

export function departmentTemplates(settings: TemplateSettings, departmentId: string): DepartmentTemplates {
  return settings.departments[departmentId] ?? DEFAULT_DEPARTMENT_TEMPLATES;
}

/**
 * Customer mails keep the ticket's subject token whatever the template says: it is what
 * threads the customer's answer (the Message-ID's signed token is lost by clients that
 * start a new mail).
 */
export function withToken(subject: string, token: string): string {
  return subject.includes(token) ? subject : `${token} ${subject}`.trim();
}

const lines = (...l: string[]) => l.join('\n');

export const BUILT_IN: Record<TemplateKind, Record<Language, MailTemplate>> = {
  acknowledgement: {
    en: {
      subject: '{{ticket.token}} Auto: {{ticket.subject}}',
      text: lines(
        'Hello {{customer.name}},', '',
        'thank you for writing to {{department.name}}. We have received your message and opened ticket #{{ticket.number}}:', '',
        '    {{ticket.subject}}', '',
        'We will answer as soon as we can. To add anything, simply reply to this mail and keep the',
        'ticket number {{ticket.token}} in the subject.', '',
        '-- ', '{{department.name}}', '',
      ),
    },
    es: {
      subject: '{{ticket.token}} Auto: {{ticket.subject}}',
      text: lines(
        'Hola, {{customer.name}}:', '',
        'gracias por escribir a {{department.name}}. Hemos recibido su mensaje y abierto el ticket n.º {{ticket.number}}:', '',
        '    {{ticket.subject}}', '',
        'Le responderemos lo antes posible. Para añadir algo, responda a este correo y mantenga',
        'el número de ticket {{ticket.token}} en el asunto.', '',
        '-- ', '{{department.name}}', '',
      ),
    },
  },
  closing: {
    en: {
      subject: '{{ticket.token}} Closed: {{ticket.subject}}',
      text: lines(
        'Hello {{customer.name}},', '',
        'we have not heard from you for {{closing.days}} days, so we have closed ticket #{{ticket.number}}:', '',
        '    {{ticket.subject}}', '',
        'If you still need help, simply reply to this mail and the ticket opens again.', '',
        '-- ', '{{department.name}}', '',
      ),
    },
    es: {
      subject: '{{ticket.token}} Cerrado: {{ticket.subject}}',
      text: lines(
        'Hola, {{customer.name}}:', '',
        'no hemos recibido noticias suyas en {{closing.days}} días, así que hemos cerrado el ticket n.º {{ticket.number}}:', '',
        '    {{ticket.subject}}', '',
        'Si todavía necesita ayuda, responda a este correo y el ticket se abrirá de nuevo.', '',
        '-- ', '{{department.name}}', '',
      ),
    },
  },
  rating: {
    en: {
      subject: 'How did we do? {{ticket.token}} {{ticket.subject}}',
      text: lines(
        'Hello {{customer.name}},', '',
        'your request #{{ticket.number}} "{{ticket.subject}}" is closed. How was our help? One click is enough:', '',
        'Good:    {{rating.good}}',
        'Neutral: {{rating.neutral}}',
        'Bad:     {{rating.bad}}', '',
        'The links work for {{rating.days}} days.',
      ),
    },
    es: {
      subject: '¿Qué tal lo hicimos? {{ticket.token}} {{ticket.subject}}',
      text: lines(
        'Hola, {{customer.name}}:', '',
        'su solicitud n.º {{ticket.number}} «{{ticket.subject}}» está cerrada. ¿Qué tal fue nuestra ayuda? Basta un clic:', '',
        'Bien:    {{rating.good}}',
        'Regular: {{rating.neutral}}',
        'Mal:     {{rating.bad}}', '',
        'Los enlaces funcionan durante {{rating.days}} días.',
      ),
    },
  },
  agentNotification: {
    en: {
      subject: '[mxdesk] {{notification.event}}: #{{ticket.number}} {{ticket.subject}}',
      text: lines('Hello {{agent.name}},', '', '{{notification.text}}', '', 'Ticket #{{ticket.number}} from {{customer.name}} <{{customer.email}}>, {{department.name}}:', '{{ticket.link}}', '', '-- ', 'mxdesk (change which mails you get under your notification preferences)', ''),
    },
    es: {
      subject: '[mxdesk] {{notification.event}}: n.º {{ticket.number}} {{ticket.subject}}',
      text: lines('Hola, {{agent.name}}:', '', '{{notification.text}}', '', 'Ticket n.º {{ticket.number}} de {{customer.name}} <{{customer.email}}>, {{department.name}}:', '{{ticket.link}}', '', '-- ', 'mxdesk (elija qué correos recibe en sus preferencias de notificación)', ''),
    },
  },
};
