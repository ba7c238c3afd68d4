import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { putMessage } from '../store/tickets.js';
import type { Department, DeskSettings, Message, SupportAddress, Ticket } from '../desk/types.js';
import { acknowledgementMail } from '../desk/acknowledgement.js';
import { subjectToken, ticketMessageId } from '../desk/tokens.js';
import type { OutboundItem } from '../outbound/item.js';
import type { Mail } from './parse.js';
import { customerMail } from '../automation/template-mail.js';
import { getTemplateSettings } from '../store/templates.js';

/**
 * Puts the acknowledgement of a new ticket into the durable outbound queue, and its record
 * into the ticket, in the ticket's own batch: both or neither.
 */
export async function queueAcknowledgement(
  db: Db,
  batch: Batch,
  opts: { secret: Buffer; ticket: Ticket; alias: SupportAddress; department: Department | undefined; mail: Mail; settings: DeskSettings; now: number },
): Promise<void> {
  const { ticket, alias, department, mail, now } = opts;
  const departmentName = alias.name || department?.name || 'Support';
  const domain = alias.address.split('@')[1]!;
  const id = newId(now);
  const messageId = ticketMessageId(opts.secret, ticket.number, domain);
  // The department's template (src/desk/templates.ts) in the customer's language; a text set
  // the older way (department.acknowledgement, {name} placeholders) still counts while no
  // template replaces it.
  const legacy = department?.acknowledgement;
  const custom = (await getTemplateSettings(db)).departments[ticket.departmentId]?.templates.acknowledgement;
  const { subject, text } = legacy && (legacy.subject || legacy.text) && !custom
    ? acknowledgementMail(legacy, {
      number: ticket.number,
      token: subjectToken(opts.settings.subjectTokenFormat, ticket.number),
      subject: ticket.subject,
      requesterName: ticket.requester.name,
      requesterEmail: ticket.requester.email,
      departmentName,
    })
    : await customerMail(db, 'acknowledgement', ticket);
  const from = { email: alias.address, name: departmentName };
  const to = [ticket.requester];
  // RFC 5322 §3.6.4: the answer references what it answers.
  const references = [...mail.references, ...(mail.messageId ? [mail.messageId] : [])];
  const item: OutboundItem = {
    id,
    messageRecordId: id,
    ticketNumber: ticket.number,
    kind: 'ack',
    messageId,
    from,
    to,
    cc: [],
    bcc: [],
    subject,
    text,
    inReplyTo: mail.messageId || undefined,
    references,
    // RFC 3834 §5: mark it automatic so other responders do not answer it; X-Loop lets
    // us recognise it if it ever comes back to us.
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Loop': alias.address, Precedence: 'auto_reply', 'X-Auto-Response-Suppress': 'All' },
    attachmentIds: [],
    state: 'queued',
    attempts: 0,
    createdAt: now,
    nextAttemptAt: now,
  };
  batch.put(db.sub.outq, id, item);
  const record: Message = {
    id,
    ticketNumber: ticket.number,
    direction: 'out',
    messageId,
    inReplyTo: item.inReplyTo,
    references,
    from,
    to,
    cc: [],
    subject,
    date: now,
    receivedAt: now,
    text,
    html: null,
    attachments: [],
    verdict: null,
    envelope: null,
    flags: ['acknowledgement'],
    size: 0,
  };
  putMessage(db, batch, record);
}
