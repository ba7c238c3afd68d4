import type { Db } from '../store/db.js';
import { getContact, getDepartment, getSettings, getSupportAddress, getUser } from '../store/directory.js';
import { getTemplateSettings } from '../store/templates.js';
import { subjectToken } from '../desk/tokens.js';
import { chooseLanguage, departmentTemplates, renderTemplate, templateFor, withToken, type Language, type MailTemplate, type TemplateKind, type TemplateValues } from '../desk/templates.js';
import type { Ticket } from '../desk/types.js';

/** The facts every template may name about a ticket, in the language it will be written in. */
export async function ticketValues(db: Db, ticket: Ticket): Promise<{ values: TemplateValues; language: Language; departmentName: string }> {
  const [settings, templates, department, alias, contact, assignee] = await Promise.all([
    getSettings(db),
    getTemplateSettings(db),
    getDepartment(db, ticket.departmentId),
    getSupportAddress(db, ticket.alias),
    ticket.contactId ? getContact(db, ticket.contactId) : undefined,
    ticket.assigneeId ? getUser(db, ticket.assigneeId) : undefined,
  ]);
  const departmentName = alias?.name || department?.name || 'Support';
  const language = chooseLanguage(departmentTemplates(templates, ticket.departmentId).language, contact?.fields?.language);
  const values: TemplateValues = {
    'ticket.number': ticket.number,
    'ticket.token': subjectToken(settings.subjectTokenFormat, ticket.number),
    'ticket.subject': ticket.subject || (language === 'es' ? '(sin asunto)' : '(no subject)'),
    'customer.name': ticket.requester.name || ticket.requester.email,
    'customer.email': ticket.requester.email,
    'department.name': departmentName,
    'agent.name': assignee?.name || departmentName,
  };
  return { values, language, departmentName };
}

/**
 * A mail to the requester from a template: the department's own text in the customer's
 * language, else the built-in one. The subject keeps the ticket's token.
 */
export async function customerMail(db: Db, kind: Exclude<TemplateKind, 'agentNotification'>, ticket: Ticket, extra: TemplateValues = {}): Promise<MailTemplate> {
  const { values, language } = await ticketValues(db, ticket);
  const template = templateFor(await getTemplateSettings(db), ticket.departmentId, kind, language);
  const mail = renderTemplate(template, { ...values, ...extra });
  return { ...mail, subject: withToken(mail.subject, String(values['ticket.token'])) };
}
