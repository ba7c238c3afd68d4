import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { getTicket, nextTicketNumber } from '../store/tickets.js';
import { contactByEmail, putContact } from '../store/directory.js';
import { accountForEmail } from '../store/accounts.js';
import { putAttachment, setSystemTicketNumber, systemTicketNumber } from '../store/inbound.js';
import type { SpoolEntry } from '../spool/spool.js';
import type { Routing } from '../smtp/server.js';
import type { Address, AttachmentMeta, Contact, DeskSettings, SupportAddress, Ticket } from '../desk/types.js';
import type { ThreadDecision } from '../desk/threading.js';
import type { Mail } from './parse.js';

// The records a mail adds besides its message: contact, attachments, the system ticket.

/** The open ticket that collects bounces and reports no customer ticket claims. */
export async function systemTicket(db: Db, batch: Batch, settings: DeskSettings, alias: SupportAddress, now: number): Promise<Ticket> {
  const number = await systemTicketNumber(db);
  const existing = number ? await getTicket(db, number) : undefined;
  if (existing && existing.status !== 'closed') return existing;
  const n = await nextTicketNumber(db, batch, settings.firstTicketNumber);
  setSystemTicketNumber(db, batch, n);
  const ticket: Ticket = {
    number: n,
    subject: 'Undeliverable mail and delivery reports',
    status: 'open',
    requester: { email: 'mailer-daemon@' + alias.address.split('@')[1], name: 'Mail system' },
    contactId: '',
    departmentId: alias.departmentId,
    alias: alias.address,
    participants: [],
    messageCount: 0,
    flags: ['system'],
    linkedTickets: [],
    createdAt: now,
    updatedAt: now,
  };
  return ticket;
}

/**
 * The contact of an address, created when new. A new contact joins the account that owns
 * the address's domain; an existing one keeps the account it has, or has not (an agent may
 * have unlinked it on purpose). Accounts themselves are only made by hand or by CSV, and
 * never own a free-mail domain (src/desk/accounts.ts).
 */
export async function contactFor(db: Db, batch: Batch, who: Address, now: number): Promise<Contact> {
  const existing = await contactByEmail(db, who.email);
  if (existing) {
    if (!existing.name && who.name) {
      const updated = { ...existing, name: who.name, updatedAt: now };
      putContact(db, batch, updated, existing);
      return updated;
    }
    return existing;
  }
  const account = await accountForEmail(db, who.email);
  const contact: Contact = { id: newId(now), name: who.name, email: who.email, emails: [who.email], ...(account ? { accountId: account.id } : {}), createdAt: now, updatedAt: now };
  putContact(db, batch, contact);
  return contact;
}

export function storeAttachments(db: Db, batch: Batch, mail: Mail): AttachmentMeta[] {
  return mail.attachments.map((a) => {
    const id = newId();
    putAttachment(db, batch, id, a.content, { filename: a.filename, contentType: a.contentType });
    return { id, filename: a.filename, contentType: a.contentType, size: a.content.length, cid: a.cid, inline: a.inline };
  });
}

/** The support address the envelope delivered to: the envelope wins over To: (forwarded mail). */
export function aliasOf(entry: SpoolEntry, routing: Routing): SupportAddress {
  for (const r of entry.envelope.rcptTo) {
    const a = routing.addresses.get(r.toLowerCase());
    if (a) return a;
  }
  const all = [...routing.addresses.values()];
  return all.find((a) => a.isDefault) ?? all[0]!;
}

export function linkNote(d: Extract<ThreadDecision, { kind: 'new-linked' }>): string {
  return d.reason === 'not-participant'
    ? `[mxdesk] This mail refers to ticket #${d.linked}, but its sender is not a participant of that ticket, so it opened a new ticket.`
    : `[mxdesk] This mail answers ticket #${d.linked}, which was closed too long ago to reopen.`;
}
