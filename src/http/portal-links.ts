import type { FastifyInstance } from 'fastify';
import { getHelpCentre } from '../store/help-centre.js';
import { getRatingSettings } from '../store/ratings.js';
import { linkExpiry, signLink } from '../desk/signed-links.js';
import { portalParagraph, type HelpCentreSettings } from '../desk/help-centre.js';
import type { Ticket } from '../desk/types.js';
import { escapeHtml } from './public-html.js';
import { getTemplateSettings } from '../store/templates.js';
import { getContact } from '../store/directory.js';
import { chooseLanguage, departmentTemplates, type Language } from '../desk/templates.js';

// The customer portal's links, as our mails carry them: the help centre's confirmation, and
// agents' replies on tickets of departments whose help centre is on.

/** Where customers reach the desk: the help centre's own setting, else the rating pages'. */
async function publicUrlOf(app: FastifyInstance, settings: HelpCentreSettings): Promise<string> {
  return (settings.publicUrl || (await getRatingSettings(app.deps.db)).publicUrl).replace(/\/+$/, '');
}

/**
 * Makes the portal paragraph of a customer's mails: a link valid for the configured days from
 * `now`, signed with the desk's secret; null when no public address is set (no link to give).
 */
export async function portalLinker(app: FastifyInstance, now: number): Promise<(contactId: string, language?: Language) => string | null> {
  const settings = await getHelpCentre(app.deps.db);
  const base = await publicUrlOf(app, settings);
  return (contactId, language = 'en') => {
    if (!base || !contactId) return null;
    const token = signLink(app.deps.outbound.secret, 'portal', contactId, linkExpiry(now, settings.portalLinkDays));
    return portalParagraph(`${base}/help/portal/${token}`, settings.portalLinkDays, language);
  };
}

/**
 * What an agent's reply to the requester adds below its text (and HTML) when the ticket's
 * department has its help centre on: the portal link, fresh with every reply. Only the mail
 * carries it; the ticket keeps what the agent wrote.
 */
export async function replyPortalFooter(app: FastifyInstance, ticket: Ticket, now: number): Promise<{ text: string; html: string } | null> {
  const settings = await getHelpCentre(app.deps.db);
  if (!settings.pages.some((p) => p.enabled && p.departmentId === ticket.departmentId)) return null;
  // In the language of the customer's mails: theirs when their contact says, else the department's.
  const [templates, contact] = await Promise.all([getTemplateSettings(app.deps.db), ticket.contactId ? getContact(app.deps.db, ticket.contactId) : undefined]);
  const language = chooseLanguage(departmentTemplates(templates, ticket.departmentId).language, contact?.fields?.language);
  const paragraph = (await portalLinker(app, now))(ticket.contactId, language);
  if (!paragraph) return null;
  return { text: `\n\n-- \n${paragraph}\n`, html: `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>` };
}
