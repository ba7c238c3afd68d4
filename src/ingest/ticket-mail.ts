// One mail becomes a ticket or joins one: the decisions of ingest for a single parsed
// message, written into the batch of its ingest group (src/ingest/ingest.ts runs the queue,
// the backlog and the groups).
import type { Logger } from 'pino';
import type { Batch, Db } from '../store/db.js';
import { getTicket, messageByMessageId, messageIdKnown, putMessage, putTicket, nextTicketNumber } from '../store/tickets.js';
import { getDepartment, getSettings, putEvents, recentEvents, userByEmail } from '../store/directory.js';
import { deleteRaw } from '../store/inbound.js';
import { releaseSpool, type SpoolEntry } from '../spool/spool.js';
import type { Routing } from '../smtp/server.js';
import type { Address, DeskSettings, Message, MessageFlag, Ticket } from '../desk/types.js';
import { decideThread, participantsFrom, type ThreadDecision } from '../desk/threading.js';
import { numberInMessageId, numberInSubject } from '../desk/tokens.js';
import { acknowledgementBlocker } from '../desk/acknowledgement.js';
import type { Mail } from './parse.js';
import { classifyMail, bouncedMessageIds, type Classification } from './classify.js';
import { originalSender } from './original-sender.js';
import { aliasOf, contactFor, linkNote, storeAttachments, systemTicket } from './records.js';
import { queueAcknowledgement } from './acknowledge.js';
import { putTimeline } from '../store/activity.js';
import { newId } from '../store/ids.js';
import { listRules } from '../store/rules.js';
import { rulesFor } from '../desk/rules.js';
import { mailNotice, notifyAgents } from '../automation/notify-agents.js';

export interface TicketMailDeps {
  db: Db;
  log: Logger;
  secret: Buffer;
  routing: () => Routing;
  now: () => number;
}

export interface Ticketed {
  entryId: string;
  ticketNumber: number | null;
  outcome: 'new' | 'joined' | 'duplicate' | 'bounce' | 'system';
  acknowledged: boolean;
  /** Imported history (mbox), not news: nobody is notified of it. */
  imported?: boolean;
  /** Why the classifier flagged it (for the log line). */
  reasons?: string[];
  /**
   * Agents were told of it in the ticket's own batch (no rule could move the ticket first);
   * the number is how many notice mails were queued. Undefined: the app tells them after
   * the rules have run (noticeOfMail).
   */
  noticeMails?: number;
}

const HOUR = 3_600_000;
/** Acknowledgements sent to an address in the last hour are counted under this key. */
const ackKey = (email: string) => `ack:${email}`;

/**
 * Ticket one parsed mail inside an ingest group's batch: drop a duplicate, classify it, find
 * the ticket it belongs to (threading) or open one, write the message, its attachments, the
 * acknowledgement and the agents' notices, and release its spool entry — all in `batch`.
 */
export async function ticketMail(deps: TicketMailDeps, entry: SpoolEntry, mail: Mail, batch: Batch): Promise<Ticketed> {
  const { db, log, secret } = deps;
  const now = deps.now();
  releaseSpool(db, batch, entry.id);

  // A Message-ID we already hold is the same mail delivered twice (a retry after a lost
  // 250, or two of our addresses on separate transactions): keep one copy.
  // Read by key on this thread (Db.get); what the group wrote already is seen first.
  const senderEmail = (mail.from?.email || entry.envelope.mailFrom || 'unknown@invalid').toLowerCase();
  const [duplicate, settings, sender] = await Promise.all([
    mail.messageId ? messageIdKnown(db, mail.messageId) : Promise.resolve(false),
    getSettings(db),
    userByEmail(db, senderEmail),
  ]);
  if (duplicate) {
    deleteRaw(db, batch, entry.id);
    return { entryId: entry.id, ticketNumber: null, outcome: 'duplicate', acknowledged: false, reasons: ['duplicate Message-ID'] };
  }

  const routing = deps.routing();
  const cls = classifyMail(mail, entry.envelope.mailFrom);
  const alias = aliasOf(entry, routing);
  const isOurs = (email: string) => routing.addresses.has(email.toLowerCase());
  const loop = (mail.headers.get('x-loop') ?? []).some((v) => isOurs(v.replace(/[<>\s]/g, '')));
  const dmarcResult = entry.verdict?.dmarc.result ?? 'none';
  const dmarcFailed = dmarcResult === 'fail';
  // The From may be believed: its domain passed DMARC or publishes none (RFC 7489 §6.6.2).
  const authentic = ['pass', 'none'].includes(dmarcResult) && !entry.quarantine;
  // An agent's powers (join any ticket, #original_sender) only for mail that is really theirs.
  const senderIsAgent = Boolean(sender && sender.active) && authentic;
  // Our own mail coming back: from a support address or, unless an agent wrote it, another
  // address at a support domain (a form mailer, a noreply), or with the X-Loop our
  // acknowledgements carry. Answering it could start a loop through ourselves.
  const atOurDomain = (email: string) => routing.domains.has(email.slice(email.lastIndexOf('@') + 1));
  const ownAddress = isOurs(senderEmail) || loop || (atOurDomain(senderEmail) && !senderIsAgent);

  const flags: MessageFlag[] = [];
  if (cls.autoReply) flags.push('auto-reply');
  if (cls.bounce) flags.push('bounce');
  if (cls.list) flags.push('list');
  if (ownAddress) flags.push('own-address');
  if (dmarcFailed) flags.push('dmarc-fail');
  if (entry.quarantine) flags.push('quarantine');
  if (mail.parseError) flags.push('parse-error');

  const cited = await citedTicket(db, secret, mail, settings, cls);

  let decision: ThreadDecision;
  let outcome: Ticketed['outcome'];
  if (cls.bounce) {
    // A bounce joins the ticket of the mail it bounces, or the system ticket; it never
    // opens a customer ticket, never changes a status, is never acknowledged.
    const target = cited ?? (await systemTicket(db, batch, settings, alias, now));
    decision = { kind: 'join', ticket: target, status: target.status, reopened: false };
    outcome = cited ? 'bounce' : 'system';
  } else {
    // An imported mail from our own side is one of our earlier replies: it joins the ticket it answers.
    const ourEarlierReply = Boolean(entry.imported) && ownAddress;
    decision = decideThread(cited, { email: senderEmail, isAgent: senderIsAgent || ourEarlierReply, authentic }, { now, reopenWindowDays: settings.reopenWindowDays });
    outcome = decision.kind === 'join' ? 'joined' : 'new';
  }
  if (decision.kind === 'new-linked' && decision.reason === 'not-participant') flags.push('hijack-guard');

  // The requester: From; or the first Reply-To (setting); or, for mail an agent forwards,
  // the customer named by "#original_sender" at the top of the body (setting).
  let requester: Address = mail.from ?? { email: senderEmail, name: '' };
  if (settings.contactFromReplyTo && mail.replyTo[0]) requester = mail.replyTo[0];
  if (senderIsAgent && settings.originalSenderCommand) {
    const original = originalSender(mail.text);
    if (original) requester = original;
  }

  const messageRecordId = entry.id;
  const attachments = storeAttachments(db, batch, mail);
  let ticket: Ticket;
  let previous: Ticket | undefined;
  if (decision.kind === 'join') {
    previous = decision.ticket;
    const joiningParticipants = cls.bounce || senderIsAgent ? [] : participantsFrom([senderEmail, ...mail.cc.map((a) => a.email)], isOurs);
    ticket = {
      ...previous,
      status: decision.status,
      participants: [...new Set([...previous.participants, ...joiningParticipants])],
      messageCount: previous.messageCount + 1,
      updatedAt: now,
      closedAt: decision.status === 'closed' ? previous.closedAt : undefined,
      lastInboundMessageId: mail.messageId || previous.lastInboundMessageId,
    };
    if (decision.reopened) {
      log.info({ ticket: ticket.number, from: previous.status }, 'ingest: customer reply reopens the ticket');
      // The reopen is a status change like an agent's: the timeline says who and why.
      const from = mail.from ?? { email: senderEmail, name: '' };
      putTimeline(db, batch, { id: newId(now), ticketNumber: ticket.number, at: now, by: { id: 'customer', name: from.name || from.email }, what: 'status', from: previous.status, to: decision.status, note: `Reply from ${from.email} reopened the ticket.` });
    }
  } else {
    const [contact, number] = await Promise.all([contactFor(db, batch, requester, now), nextTicketNumber(db, batch, settings.firstTicketNumber)]);
    const ticketFlags: Ticket['flags'] = [];
    if (entry.quarantine) ticketFlags.push('quarantine');
    if (dmarcFailed) ticketFlags.push('dmarc-fail');
    if (decision.kind === 'new-linked' && decision.reason === 'not-participant') ticketFlags.push('hijack-guard');
    ticket = {
      number,
      subject: mail.subject || '(no subject)',
      status: 'open',
      requester: { email: contact.email === requester.email ? requester.email : contact.email, name: requester.name || contact.name },
      contactId: contact.id,
      departmentId: alias.departmentId,
      alias: alias.address,
      participants: participantsFrom([requester.email, senderIsAgent ? '' : senderEmail, ...mail.cc.map((a) => a.email)], isOurs),
      messageCount: 1,
      lastInboundMessageId: mail.messageId || undefined,
      flags: ticketFlags,
      linkedTickets: decision.kind === 'new-linked' ? [decision.linked] : [],
      createdAt: now,
      updatedAt: now,
    };
  }

  const message: Message = {
    id: messageRecordId,
    ticketNumber: ticket.number,
    direction: entry.imported && ownAddress ? 'out' : 'in',
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo || undefined,
    references: mail.references,
    from: mail.from ?? { email: senderEmail, name: '' },
    to: mail.to,
    cc: mail.cc,
    replyTo: mail.replyTo.length ? mail.replyTo : undefined,
    subject: mail.subject,
    date: mail.date ?? entry.receivedAt,
    receivedAt: entry.receivedAt,
    text: decision.kind === 'new-linked' ? `${linkNote(decision)}\n\n${mail.text}` : mail.text,
    html: mail.html,
    attachments,
    verdict: entry.verdict,
    envelope: entry.envelope,
    flags,
    size: entry.size,
  };
  if (senderIsAgent && !cls.bounce && ticket.requester.email !== senderEmail) message.flags.push('not-requester');
  else if (!senderIsAgent && !cls.bounce && decision.kind === 'join' && ticket.requester.email !== senderEmail) message.flags.push('not-requester');
  putMessage(db, batch, message);

  // RFC 3834 acknowledgement of a new ticket.
  let acknowledged = false;
  if (decision.kind !== 'join') {
    const [recent, department] = await Promise.all([recentEvents(db, ackKey(ticket.requester.email), now - HOUR), getDepartment(db, ticket.departmentId)]);
    const blocker = acknowledgementBlocker({
      // Imported mail is history: its sender was answered (or not) long ago.
      enabled: settings.acknowledge && department?.acknowledgement?.enabled !== false && !entry.imported,
      newTicket: true,
      autoReply: cls.autoReply,
      bounce: cls.bounce,
      list: cls.list,
      ownAddress: ownAddress || isOurs(ticket.requester.email) || atOurDomain(ticket.requester.email),
      dmarcFailed,
      quarantined: entry.quarantine,
      mailFrom: entry.envelope.mailFrom,
      sentLastHour: recent.length,
      perHourLimit: settings.ackPerSenderPerHour,
    });
    if (blocker) {
      log.info({ ticket: ticket.number, reason: blocker }, 'ingest: no acknowledgement');
    } else {
      await queueAcknowledgement(db, batch, { secret, ticket, alias, department, mail, settings, now });
      putEvents(db, batch, ackKey(ticket.requester.email), [...recent, now]);
      ticket.messageCount += 1;
      acknowledged = true;
    }
  }

  putTicket(db, batch, ticket, previous);
  const noticeMails = (outcome === 'new' || outcome === 'joined') && !entry.imported ? await noticeNow(db, batch, ticket, message, outcome, now) : undefined;
  // The group's batch is committed unsynced: the spool entries it releases are durable
  // already, so a machine crash that loses it only means those messages are ticketed
  // again on restart.
  return { entryId: entry.id, ticketNumber: ticket.number, outcome, acknowledged, reasons: cls.reasons, ...(entry.imported ? { imported: true } : {}), ...(noticeMails === undefined ? {} : { noticeMails }) };
}

/**
 * Tells agents of a customer's mail in the ticket's batch, unless a rule may run on it
 * first (a rule may move the ticket to another department, whose members are the ones to
 * tell): then undefined, and the app tells them after the rules. (Imported history is no
 * news: the caller does not ask.)
 */
async function noticeNow(db: Db, batch: Batch, ticket: Ticket, message: Message, outcome: 'new' | 'joined', now: number): Promise<number | undefined> {
  if (message.direction !== 'in') return undefined;
  if (rulesFor(await listRules(db), outcome === 'new' ? 'ticket-created' : 'message-received')) return undefined;
  return notifyAgents(db, batch, await mailNotice(db, ticket, message.from, outcome, now));
}

/** The ticket a mail cites: by a Message-ID it answers (ours, signed, or any stored), else by the subject token. */
async function citedTicket(db: Db, secret: Buffer, mail: Mail, settings: DeskSettings, cls: Classification): Promise<Ticket | undefined> {
  const refs = [mail.inReplyTo, ...[...mail.references].reverse()].filter(Boolean);
  if (cls.bounce) refs.unshift(...bouncedMessageIds(mail));
  for (const ref of refs) {
    const signed = numberInMessageId(secret, ref);
    const number = signed ?? (await messageByMessageId(db, ref))?.ticketNumber;
    if (number !== undefined && number !== null) {
      const t = await getTicket(db, number);
      if (t) return t;
    }
  }
  const byToken = numberInSubject(settings.subjectTokenFormat, mail.subject);
  return byToken === null ? undefined : getTicket(db, byToken);
}
