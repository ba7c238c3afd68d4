import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { getTicket, nextTicketNumber, putMessage, putTicket } from '../store/tickets.js';
import { getDepartment, getSettings, listSupportAddresses, putEvents, recentEvents } from '../store/directory.js';
import { putAttachment } from '../store/inbound.js';
import { putTimeline } from '../store/activity.js';
import { loadRouting } from '../app/routing.js';
import { queueAutomaticMail } from '../automation/automatic-mail.js';
import { acknowledgementMail } from '../desk/acknowledgement.js';
import { customerMail } from '../automation/template-mail.js';
import { getTemplateSettings } from '../store/templates.js';
import { chooseLanguage, departmentTemplates, type Language } from '../desk/templates.js';
import { decideThread } from '../desk/threading.js';
import { subjectToken, withSubjectToken } from '../desk/tokens.js';
import type { Submission } from '../desk/help-centre.js';
import type { Actor } from '../desk/records.js';
import type { Address, AttachmentMeta, FullTicket, Message, SupportAddress, Ticket } from '../desk/types.js';
import { contactFor } from './records.js';

// Tickets and messages that come from the help centre instead of the MX: written like
// ingest writes live mail (contact, ticket number, message, attachments, indexes), in one
// synced batch, so that the success page is only shown for a ticket that is on disk.

const HOUR = 3_600_000;

export interface Upload {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface WebTicketOpts {
  secret: Buffer;
  now: number;
  departmentId: string;
  submission: Submission;
  uploads: Upload[];
  clientIp: string;
  /** The portal paragraph for the confirmation mail, given the contact; null leaves it out. */
  portal: (contactId: string, language?: Language) => string | null;
}

export type WebTicketResult =
  | { ok: true; ticketNumber: number; contactId: string; confirmed: boolean }
  /** The address is one of ours: a confirmation to it would be mail to ourselves. */
  | { ok: false; reason: 'own-address' };

/** Adds a paragraph above the signature ("-- " line, RFC 3676 §4.3), or at the end when there is none. */
function aboveSignature(text: string, paragraph: string): string {
  const sig = text.lastIndexOf('\n-- \n');
  return sig < 0 ? `${text.trimEnd()}\n\n${paragraph}\n` : `${text.slice(0, sig).trimEnd()}\n\n${paragraph}\n${text.slice(sig)}`;
}

const customer = (who: Address): Actor => ({ id: 'customer', name: who.name || who.email });

/** The support address a department's tickets are filed under: its own default, else the organisation's. */
async function aliasFor(db: Db, departmentId: string): Promise<SupportAddress> {
  const all = await listSupportAddresses(db);
  const own = all.filter((a) => a.departmentId === departmentId);
  return own.find((a) => a.isDefault) ?? own.find((a) => a.intake) ?? own[0] ?? all.find((a) => a.isDefault) ?? all[0]!;
}

function storeUploads(db: Db, batch: Batch, uploads: Upload[], now: number): AttachmentMeta[] {
  return uploads.map((u) => {
    const id = newId(now);
    putAttachment(db, batch, id, u.content, { filename: u.filename, contentType: u.contentType });
    return { id, filename: u.filename, contentType: u.contentType, size: u.content.length, inline: false };
  });
}

/** A customer's message written on our pages has no Message-ID of its own, so it gets one of ours. */
const webMessageId = (id: string, alias: SupportAddress) => `<${id}.web@${alias.address.split('@')[1]}>`;

function customerMessage(opts: { id: string; ticketNumber: number; from: Address; alias: SupportAddress; subject: string; text: string; attachments: AttachmentMeta[]; now: number; clientIp: string }): Message {
  return {
    id: opts.id,
    ticketNumber: opts.ticketNumber,
    direction: 'in',
    messageId: webMessageId(opts.id, opts.alias),
    references: [],
    from: opts.from,
    to: [{ email: opts.alias.address, name: opts.alias.name }],
    cc: [],
    subject: opts.subject,
    date: opts.now,
    receivedAt: opts.now,
    text: opts.text,
    html: null,
    attachments: opts.attachments,
    verdict: null,
    // Not SMTP, but where it came from is kept the same way: the client's address, for abuse reports.
    envelope: { mailFrom: opts.from.email, rcptTo: [opts.alias.address], clientIp: opts.clientIp, helo: 'help centre', tls: false },
    flags: ['web-form'],
    size: opts.attachments.reduce((n, a) => n + a.size, opts.text.length),
  };
}

/** Opens a ticket from the help centre's form and queues its confirmation mail; durable when it resolves. */
export async function openWebTicket(db: Db, opts: WebTicketOpts): Promise<WebTicketResult> {
  const { submission: s, now } = opts;
  const routing = await loadRouting(db);
  const domain = s.email.slice(s.email.lastIndexOf('@') + 1);
  if (routing.addresses.has(s.email) || routing.domains.has(domain)) return { ok: false, reason: 'own-address' };
  return db.serial(async () => {
    const batch = new Batch();
    const [settings, alias, department] = await Promise.all([getSettings(db), aliasFor(db, opts.departmentId), getDepartment(db, opts.departmentId)]);
    const requester = { email: s.email, name: s.name };
    const [contact, number] = await Promise.all([contactFor(db, batch, requester, now), nextTicketNumber(db, batch, settings.firstTicketNumber)]);
    const id = newId(now);
    const message = customerMessage({ id, ticketNumber: number, from: requester, alias, subject: s.subject, text: s.description, attachments: storeUploads(db, batch, opts.uploads, now), now, clientIp: opts.clientIp });
    putMessage(db, batch, message);
    let ticket: FullTicket = {
      number,
      subject: s.subject,
      status: 'open',
      requester: { email: contact.email, name: s.name || contact.name },
      contactId: contact.id,
      departmentId: opts.departmentId,
      alias: alias.address,
      participants: [s.email],
      messageCount: 1,
      lastInboundMessageId: message.messageId,
      flags: [],
      linkedTickets: [],
      createdAt: now,
      updatedAt: now,
      source: 'web-form',
      priority: 'medium', severity: 'S3', dueAt: null, tags: [], assigneeId: null, customFields: s.customFields, links: [], deletedAt: null,
    };
    putTimeline(db, batch, { id: newId(now), ticketNumber: number, at: now, by: customer(requester), what: 'source', to: 'web form' });

    // The confirmation is an acknowledgement (the department's own words when it has them)
    // plus the portal link: it follows the same switches as for mail (the desk's and the
    // department's), and the same per-address limit (RFC 3834 §2): a form anyone can fill in
    // must not become a way to flood someone's mailbox.
    const ackKey = `ack:${s.email}`;
    const recent = await recentEvents(db, ackKey, now - HOUR);
    const confirmed = settings.acknowledge && department?.acknowledgement?.enabled !== false && recent.length < settings.ackPerSenderPerHour;
    if (confirmed) {
      // As for mail (src/ingest/acknowledge.ts): the department's template in the customer's
      // language; a text set the older way still counts while no template replaces it.
      const templates = await getTemplateSettings(db);
      const legacy = department?.acknowledgement;
      const ack = legacy && (legacy.subject || legacy.text) && !templates.departments[opts.departmentId]?.templates.acknowledgement
        ? acknowledgementMail(legacy, {
          number, token: subjectToken(settings.subjectTokenFormat, number), subject: s.subject,
          requesterName: s.name, requesterEmail: s.email, departmentName: alias.name || department?.name || 'Support',
        })
        : await customerMail(db, 'acknowledgement', ticket);
      const language = chooseLanguage(departmentTemplates(templates, opts.departmentId).language, contact.fields?.language);
      const portal = opts.portal(contact.id, language);
      ticket = await queueAutomaticMail(db, batch, opts.secret, ticket, { subject: ack.subject, text: portal ? aboveSignature(ack.text, portal) : ack.text }, now);
      putEvents(db, batch, ackKey, [...recent, now]);
    }
    putTicket(db, batch, ticket);
    await db.commit(batch, true);
    return { ok: true as const, ticketNumber: number, contactId: contact.id, confirmed };
  });
}

export type PortalReplyResult =
  | { ok: true; ticketNumber: number; outcome: 'joined' | 'new'; reopened: boolean }
  | { ok: false; reason: 'not-found' };

/**
 * A customer's answer written in the portal: it joins the ticket as their message and, like
 * a mail reply, reopens a Waiting, On-hold or recently Closed ticket (src/desk/threading.ts);
 * a ticket closed longer ago than the reopen window is followed by a new one that links it.
 */
export async function portalReply(db: Db, opts: { now: number; contactId: string; ticketNumber: number; text: string; clientIp: string }): Promise<PortalReplyResult> {
  const { now } = opts;
  return db.serial(async () => {
    const cited = await getTicket(db, opts.ticketNumber);
    if (!cited || cited.contactId !== opts.contactId || cited.deletedAt !== null || cited.flags.includes('system')) return { ok: false as const, reason: 'not-found' as const };
    const settings = await getSettings(db);
    const who = cited.requester;
    const decision = decideThread(cited, { email: who.email, isAgent: false, authentic: true }, { now, reopenWindowDays: settings.reopenWindowDays });
    const batch = new Batch();
    const alias = (await listSupportAddresses(db)).find((a) => a.address === cited.alias.toLowerCase()) ?? (await aliasFor(db, cited.departmentId));
    const id = newId(now);
    let ticket: Ticket;
    let previous: Ticket | undefined;
    if (decision.kind === 'join') {
      previous = cited;
      ticket = {
        ...cited,
        status: decision.status,
        messageCount: cited.messageCount + 1,
        updatedAt: now,
        closedAt: decision.status === 'closed' ? cited.closedAt : undefined,
        lastInboundMessageId: webMessageId(id, alias),
      };
      if (decision.reopened) putTimeline(db, batch, { id: newId(now), ticketNumber: cited.number, at: now, by: customer(who), what: 'status', from: cited.status, to: decision.status, note: 'The customer answered in the help centre.' });
    } else {
      const number = await nextTicketNumber(db, batch, settings.firstTicketNumber);
      ticket = {
        number, subject: cited.subject, status: 'open', requester: who, contactId: cited.contactId, departmentId: cited.departmentId, alias: cited.alias,
        participants: [who.email], messageCount: 1, lastInboundMessageId: webMessageId(id, alias), flags: [], linkedTickets: [cited.number],
        createdAt: now, updatedAt: now, source: 'web-form',
      };
      putTimeline(db, batch, { id: newId(now), ticketNumber: number, at: now, by: customer(who), what: 'source', to: 'web form', note: `Follows #${cited.number}, closed too long ago to reopen.` });
    }
    // Worded like a mail client's answer to our mail: "Re: [#1001] Subject".
    const subject = `Re: ${withSubjectToken(settings.subjectTokenFormat, ticket.number, cited.subject)}`;
    putMessage(db, batch, customerMessage({ id, ticketNumber: ticket.number, from: who, alias, subject, text: opts.text, attachments: [], now, clientIp: opts.clientIp }));
    putTicket(db, batch, ticket, previous);
    await db.commit(batch, true);
    return { ok: true as const, ticketNumber: ticket.number, outcome: decision.kind === 'join' ? ('joined' as const) : ('new' as const), reopened: decision.kind === 'join' && decision.reopened };
  });
}
