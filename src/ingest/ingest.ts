import type { Logger } from 'pino';
import { Batch, type Db } from '../store/db.js';
import { getTicket, messageByMessageId, messageIdKnown, primeMessageIds, putMessage, putTicket, nextTicketNumber } from '../store/tickets.js';
import { getDepartment, getSettings, primeSenders, putEvents, recentEvents, userByEmail } from '../store/directory.js';
import { deleteRaw, getRaw } from '../store/inbound.js';
import { acceptedRaw, releaseSpool, pendingSpool, type SpoolEntry } from '../spool/spool.js';
import type { Routing } from '../smtp/server.js';
import type { Address, DeskSettings, Message, MessageFlag, Ticket } from '../desk/types.js';
import { decideThread, participantsFrom, type ThreadDecision } from '../desk/threading.js';
import { numberInMessageId, numberInSubject } from '../desk/tokens.js';
import { acknowledgementBlocker } from '../desk/acknowledgement.js';
import { parseMail, type Mail } from './parse.js';
import { classifyMail, bouncedMessageIds, type Classification } from './classify.js';
import { originalSender } from './original-sender.js';
import { aliasOf, contactFor, linkNote, storeAttachments, systemTicket } from './records.js';
import { queueAcknowledgement } from './acknowledge.js';
import { putTimeline } from '../store/activity.js';
import { newId } from '../store/ids.js';
import { listRules } from '../store/rules.js';
import { rulesFor } from '../desk/rules.js';
import { mailNotice, notifyAgents } from '../automation/notify-agents.js';

export interface IngestDeps {
  db: Db;
  log: Logger;
  secret: Buffer;
  routing: () => Routing;
  now?: () => number;
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
 * Messages read and parsed ahead of the ones being written, so the serial section (decide
 * and write) never waits for a read or a parse; bounded in count and in bytes so a burst of
 * 25 MB messages cannot take all memory.
 */
const PREFETCH = 32;
const PREFETCH_BYTES = 32 * 1024 * 1024;
/** At most this many messages share one write. */
const GROUP = 32;
/**
 * Accepted messages not yet ticketed past which enqueue() makes the MX wait before its 250
 * (the message is durable already; only the reply waits). Ticketing costs the main thread
 * more per mail than accepting does, so without a bound a burst builds a backlog that makes
 * mail seconds late to show as a ticket (benchmark: 250 → ticket p99 of 5 s at 50 sessions).
 * Measured at 50 sessions, 2 KB: a bound of 32 gave a p99 of ~180 ms, 16 ~110 ms, 8 ~85 ms,
 * at the same rate (the main thread is the limit either way); the sessions waiting for room
 * add their mails meanwhile, so groups still fill.
 */
const BACKLOG = 8;
/**
 * And in bytes: ticketing costs grow with a mail's size (parsing, search terms). At 50 KB,
 * 50 sessions, a bound of 8 mails alone gave a p99 of ~200 ms; with 128 KB, ~75 ms at the
 * same rate. Mail of 2 KB meets the count first.
 */
const BACKLOG_BYTES = 128 * 1024;

interface Prepared {
  entry: SpoolEntry;
  mail: Mail | null;
}

/**
 * Turns spooled messages into tickets, one at a time and in arrival order. Each message's
 * ticket changes, its acknowledgement and the release of its spool entry are one atomic
 * batch: after a crash the entry is either still spooled (and done again) or fully done.
 */
export class Ingestor {
  private queue: SpoolEntry[] = [];
  private running = false;
  private waiters: Array<() => void> = [];
  /** Enqueued and not yet through ticketGroup, and the MX sessions waiting for room. */
  private backlog = 0;
  private backlogBytes = 0;
  private roomWaiters: Array<() => void> = [];
  private listeners: Array<(t: Ticketed) => void> = [];
  private readonly now: () => number;

  constructor(private readonly deps: IngestDeps) {
    this.now = deps.now ?? Date.now;
  }

  onTicketed(fn: (t: Ticketed) => void): void {
    this.listeners.push(fn);
  }

  /** Resolves at once, or when the backlog is back under its bound (see BACKLOG). */
  enqueue(entry: SpoolEntry): Promise<void> {
    this.queue.push(entry);
    this.backlog++;
    this.backlogBytes += entry.size;
    if (!this.running) void this.drain();
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private hasRoom(): boolean {
    return this.backlog <= BACKLOG && this.backlogBytes <= BACKLOG_BYTES;
  }

  /** Tickets whatever was accepted before the last stop or crash. */
  async replay(): Promise<number> {
    const pending = await pendingSpool(this.deps.db);
    for (const e of pending) void this.enqueue(e);
    return pending.length;
  }

  /** Resolves when every enqueued message is ticketed. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    const ahead: Array<{ prepared: Promise<Prepared>; ready: boolean; size: number }> = [];
    while (this.queue.length || ahead.length) {
      let bytes = ahead.reduce((n, a) => n + a.size, 0);
      while (ahead.length < PREFETCH && this.queue.length && (ahead.length === 0 || bytes + this.queue[0]!.size <= PREFETCH_BYTES)) {
        const entry = this.queue.shift()!;
        bytes += entry.size;
        const slot = { prepared: this.prepare(entry), ready: false, size: entry.size };
        slot.prepared.then(() => (slot.ready = true));
        ahead.push(slot);
      }
      // The next message, and those after it that are already parsed: one write for all.
      const group = [await ahead.shift()!.prepared];
      while (ahead.length && ahead[0]!.ready && group.length < GROUP) group.push(await ahead.shift()!.prepared);
      const results = await this.ticketGroup(group);
      this.backlog -= group.length;
      for (const p of group) this.backlogBytes -= p.entry.size;
      if (this.hasRoom()) for (const w of this.roomWaiters.splice(0)) w();
      for (const r of results) for (const fn of this.listeners) fn(r);
    }
    this.running = false;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Tickets a group of messages in one serial section and one commit. If the group fails,
   * each message is tried alone, so that one bad message cannot hold back the others;
   * a message that fails alone stays spooled for the next start. Nothing is lost.
   */
  private async ticketGroup(group: Prepared[]): Promise<Ticketed[]> {
    const { db, log } = this.deps;
    try {
      const results = await db.serial(() =>
        db.group(async (batch) => {
          await this.primeReads(group);
          const out: Ticketed[] = [];
          for (const { entry, mail } of group) out.push(mail ? await this.decideAndWrite(entry, mail, batch) : this.releaseMissing(entry, batch));
          return out;
        }),
      );
      const sids = new Map(group.map((p) => [p.entry.id, p.entry.sid]));
      for (const r of results) log.info({ sid: sids.get(r.entryId), id: r.entryId, ticket: r.ticketNumber, outcome: r.outcome, acknowledged: r.acknowledged, reasons: r.reasons }, 'ingest: ticketed');
      return results;
    } catch (err) {
      if (group.length > 1) return (await Promise.all(group.map((p) => this.ticketGroup([p])))).flat();
      log.error({ err, id: group[0]!.entry.id }, 'ingest: could not ticket a message; it stays in the spool');
      return [];
    }
  }

  /** What the group's mails will read, read at once (Db.prime): one getMany per kind of record. */
  private async primeReads(group: Prepared[]): Promise<void> {
    const { db } = this.deps;
    const mails = group.flatMap((p) => (p.mail ? [{ mail: p.mail, entry: p.entry }] : []));
    const senders = mails.flatMap(({ mail, entry }) => [(mail.from?.email || entry.envelope.mailFrom || 'unknown@invalid').toLowerCase(), ...(mail.replyTo[0] ? [mail.replyTo[0].email] : [])]);
    const ids = mails.flatMap(({ mail }) => [mail.messageId, mail.inReplyTo, ...mail.references]);
    await Promise.all([primeSenders(db, senders, ackKey), primeMessageIds(db, ids)]);
  }

  /** Reads and parses a spooled message; never rejects (parseMail keeps what it can read). */
  private async prepare(entry: SpoolEntry): Promise<Prepared> {
    try {
      const raw = acceptedRaw(entry) ?? (await getRaw(this.deps.db, entry.id));
      return { entry, mail: raw ? await parseMail(raw) : null };
    } catch (err) {
      this.deps.log.error({ err, id: entry.id }, 'ingest: could not read a spooled message');
      return { entry, mail: null };
    }
  }

  /** A spool entry whose raw message is gone was finished before (a replay after a crash). */
  private releaseMissing(entry: SpoolEntry, batch: Batch): Ticketed {
    releaseSpool(this.deps.db, batch, entry.id);
    return { entryId: entry.id, ticketNumber: null, outcome: 'duplicate', acknowledged: false };
  }

  private async decideAndWrite(entry: SpoolEntry, mail: Mail, batch: Batch): Promise<Ticketed> {
    const { db, log, secret } = this.deps;
    const now = this.now();
    releaseSpool(db, batch, entry.id);

    // A Message-ID we already hold is the same mail delivered twice (a retry after a lost
    // 250, or two of our addresses on separate transactions): keep one copy.
    // Independent reads at once: each is a round trip to LevelDB's thread pool.
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

    const routing = this.deps.routing();
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

    const cited = await this.citedTicket(mail, settings, cls);

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
    const noticeMails = (outcome === 'new' || outcome === 'joined') && !entry.imported ? await this.noticeNow(batch, ticket, message, outcome, now) : undefined;
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
  private async noticeNow(batch: Batch, ticket: Ticket, message: Message, outcome: 'new' | 'joined', now: number): Promise<number | undefined> {
    const { db } = this.deps;
    if (message.direction !== 'in') return undefined;
    if (rulesFor(await listRules(db), outcome === 'new' ? 'ticket-created' : 'message-received')) return undefined;
    return notifyAgents(db, batch, await mailNotice(db, ticket, message.from, outcome, now));
  }

  /** The ticket a mail cites: by a Message-ID it answers (ours, signed, or any stored), else by the subject token. */
  private async citedTicket(mail: Mail, settings: DeskSettings, cls: Classification): Promise<Ticket | undefined> {
    const { db, secret } = this.deps;
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
}
