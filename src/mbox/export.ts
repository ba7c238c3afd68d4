import type { Writable } from 'node:stream';
import { once } from 'node:events';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Db } from '../store/db.js';
import type { FullTicket, Message } from '../desk/types.js';
import { getRaw } from '../store/inbound.js';
import { getOutbound } from '../store/outbound.js';
import { listTickets, messagesOf, ticketIndex } from '../store/tickets.js';
import { composeRaw } from '../outbound/compose.js';
import { mboxEntry } from './mbox.js';

/**
 * A ticket message as RFC 5322 bytes: incoming mail exactly as received (with the
 * Received and Authentication-Results we added), our own mail as it was sent. A message
 * with neither (an old record) is rebuilt from what the ticket keeps.
 */
export async function rawOf(db: Db, m: Message): Promise<Buffer> {
  if (m.direction === 'in') {
    const raw = await getRaw(db, m.id);
    if (raw) return raw;
  } else {
    const item = await getOutbound(db, m.id);
    if (item) return composeRaw(db, item);
  }
  const fmt = (a: { email: string; name: string }) => ({ address: a.email, name: a.name });
  const composer = new MailComposer({
    from: fmt(m.from), to: m.to.map(fmt), cc: m.cc.map(fmt), subject: m.subject, messageId: m.messageId || undefined,
    date: new Date(m.date), inReplyTo: m.inReplyTo, references: m.references.length ? m.references : undefined,
    text: m.text, html: m.html ?? undefined, disableFileAccess: true, disableUrlAccess: true,
  } as any);
  return new Promise((resolve, reject) => composer.compile().build((err, raw) => (err ? reject(err) : resolve(raw as Buffer))));
}

async function write(out: Writable, b: Buffer): Promise<void> {
  if (!out.write(b)) await once(out, 'drain');
}

/** Writes the messages of one ticket to out as mbox, oldest first; returns how many. */
export async function exportTicket(db: Db, number: number, out: Writable): Promise<number> {
  const messages = await messagesOf(db, number);
  for (const m of messages) {
    const envelopeFrom = m.direction === 'in' ? (m.envelope?.mailFrom ?? m.from.email) : m.from.email;
    await write(out, mboxEntry(await rawOf(db, m), envelopeFrom, m.receivedAt));
  }
  return messages.length;
}

/** Every ticket the filter lets through, in ticket order, as one mbox. */
export async function exportTickets(db: Db, out: Writable, visible?: (t: FullTicket) => boolean): Promise<{ tickets: number; messages: number }> {
  let tickets = 0;
  let messages = 0;
  // Oldest ticket first, so that an import opens them in the same order.
  const range = { ...ticketIndex.created(), ascending: true };
  let cursor: string | undefined;
  do {
    const page = await listTickets(db, { range, limit: 200, cursor, match: visible });
    for (const t of page.items) {
      tickets++;
      messages += await exportTicket(db, t.number, out);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { tickets, messages };
}
