import { newId } from '../store/ids.js';
import { Batch, type Db } from '../store/db.js';
import { getSupportAddress, getUser, listUsers, userByEmail } from '../store/directory.js';
import { getTicket, lastMessageOf } from '../store/tickets.js';
import { putNotification } from '../store/activity.js';
import { putOutbound } from '../store/outbound.js';
import { getPreferences, getTemplateSettings } from '../store/templates.js';
import { EVENT_LABEL, recipientsOf, type NotificationEvent } from '../desk/notifications.js';
import { departmentTemplates, renderTemplate, templateFor } from '../desk/templates.js';
import type { Actor } from '../desk/records.js';
import type { Ticket } from '../desk/types.js';
import type { OutboundItem } from '../outbound/item.js';
import { ticketValues } from './template-mail.js';

export interface AgentNotice {
  event: NotificationEvent;
  ticket: Ticket;
  /** Who caused it; they are never told of their own doing. */
  by: Actor;
  /** The sentence shown in the panel and quoted in the mail. */
  text: string;
  /**
   * User ids to tell; duplicates, the actor and inactive users are left out. The callers
   * choose people who have a part in the ticket (its assignee, members of its department,
   * agents mentioned who can see it, those an SLA policy names).
   */
  to: Array<string | null | undefined>;
  now: number;
}

/**
 * Tells agents of an event as each of them chose (src/desk/notifications.ts): a panel
 * notification and/or a mail, both into the caller's batch, so the event and its notices are
 * stored together. The mail leaves through the outbound queue like any other, from the
 * ticket's From address and relay. Returns how many mails were queued (the caller wakes the
 * outbound worker after committing when there are any).
 */
export async function notifyAgents(db: Db, batch: Batch, n: AgentNotice): Promise<number> {
  const ids = recipientsOf(n.to, n.by.id);
  if (ids.length === 0) return 0;
  let mails = 0;
  for (const id of ids) {
    const user = await getUser(db, id);
    if (!user?.active) continue;
    const prefs = (await getPreferences(db, id))[n.event];
    if (prefs.panel) {
      putNotification(db, batch, { id: newId(n.now), userId: id, kind: n.event, ticketNumber: n.ticket.number, by: n.by, text: n.text.slice(0, 400), createdAt: n.now, readAt: null });
    }
    if (prefs.mail) {
      await queueNoticeMail(db, batch, n, { email: user.email, name: user.name });
      mails++;
    }
  }
  return mails;
}

async function queueNoticeMail(db: Db, batch: Batch, n: AgentNotice, to: { email: string; name: string }): Promise<void> {
  const templates = await getTemplateSettings(db);
  const { values, departmentName } = await ticketValues(db, n.ticket);
  // Agents read their department's language, whatever the customer writes in.
  const language = departmentTemplates(templates, n.ticket.departmentId).language;
  const base = templates.panelUrl.replace(/\/+$/, '');
  const mail = renderTemplate(templateFor(templates, n.ticket.departmentId, 'agentNotification', language), {
    ...values,
    'agent.name': to.name || to.email,
    'actor.name': n.by.name,
    'notification.event': EVENT_LABEL[n.event][language],
    'notification.text': n.text,
    'ticket.link': base ? `${base}/tickets/${n.ticket.number}` : '',
  });
  const alias = await getSupportAddress(db, n.ticket.alias);
  const fromAddress = alias?.address ?? n.ticket.alias;
  const id = newId(n.now);
  const item: OutboundItem = {
    // No ticket message goes with it: the notice is about the ticket, not part of its conversation.
    id, messageRecordId: id, ticketNumber: n.ticket.number, kind: 'agent-notice',
    messageId: `<notice.${id}@${fromAddress.split('@')[1]}>`,
    // The worker sends it through the From address chosen for the ticket (its support address, else the department's).
    from: { email: fromAddress, name: departmentName },
    to: [to], cc: [], bcc: [], subject: mail.subject, text: mail.text, references: [],
    // RFC 3834 §5: automatic, so the agent's out-of-office does not answer it; X-Loop
    // makes one that does recognisably ours.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Loop': fromAddress, 'X-Auto-Response-Suppress': 'All', 'X-Mxdesk-Event': n.event },
    attachmentIds: [], state: 'queued', attempts: 0, createdAt: n.now, nextAttemptAt: n.now,
  };
  putOutbound(db, batch, item);
}

/**
 * The notice of a customer's mail: a new ticket is news for the members of its department, a
 * customer's new message for the ticket's assignee. A mail from one of our agents is theirs:
 * not news to them (notifyAgents leaves the actor out). `from`: who wrote the mail.
 */
export async function mailNotice(db: Db, ticket: Ticket, from: { email: string; name: string } | undefined, outcome: 'new' | 'joined', now: number): Promise<AgentNotice> {
  const sender = from ? await userByEmail(db, from.email) : undefined;
  const name = from?.name || from?.email || ticket.requester.name || ticket.requester.email;
  const by: Actor = sender ? { id: sender.id, name: sender.name } : { id: 'customer', name };
  const to = outcome === 'new' ? (await listUsers(db)).filter((u) => u.departments.includes(ticket.departmentId)).map((u) => u.id) : [ticket.assigneeId];
  const text = outcome === 'new' ? `New ticket #${ticket.number} from ${name}: ${ticket.subject}` : `${name} wrote again on #${ticket.number}: ${ticket.subject}`;
  return { event: outcome === 'new' ? 'new-ticket' : 'new-reply', ticket, by, text, to, now };
}

/**
 * After ingest and the rules (which may have moved the ticket to another department): the
 * notice of the ticket's latest customer mail, in a commit of its own. When no rule can run,
 * ingest writes the notice with the ticket instead (Ingestor: one commit, no reads again).
 */
export async function noticeOfMail(db: Db, ticketNumber: number, outcome: 'new' | 'joined', now: number): Promise<number> {
  const ticket = await getTicket(db, ticketNumber);
  if (!ticket || ticket.deletedAt !== null) return 0;
  const last = await lastMessageOf(db, ticket.number, 'in');
  const batch = new Batch();
  const mails = await notifyAgents(db, batch, await mailNotice(db, ticket, last?.from, outcome, now));
  await db.commit(batch);
  return mails;
}
