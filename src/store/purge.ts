import { Batch, pad, type Db } from './db.js';
import { delTicketIndex, messagesOf, normaliseMessageId } from './tickets.js';
import { unindexTicket } from './search-index.js';
import type { Ticket } from '../desk/types.js';

/**
 * Deletes a ticket for good: its record and list rows, its messages with their raw source,
 * attachments and Message-ID entries, its search postings, its timeline and comments. Per-user marks (read,
 * starred) and finished tasks that name it stay behind; they point at nothing and cost a
 * few bytes.
 */
export async function purgeTicket(db: Db, ticket: Ticket): Promise<void> {
  const batch = new Batch();
  const no = pad(ticket.number, 10);
  const messages = await messagesOf(db, ticket.number);
  // Its words leave the search index with it.
  unindexTicket(db, batch, ticket, messages);
  for (const m of messages) {
    batch.del(db.sub.msg, m.id).del(db.sub.raw, m.id).del(db.sub.tmsg, `${no}:${m.id}`);
    if (m.messageId) batch.del(db.sub.mid, normaliseMessageId(m.messageId));
    for (const a of m.attachments) batch.del(db.sub.att, a.id).del(db.sub.attof, a.id).del(db.sub.meta, `att:${a.id}`);
  }
  for (const sub of [db.sub.timeline, db.sub.comment]) {
    for (const k of await db.keys(sub, { gte: `${no}:`, lt: `${no}:~` })) batch.del(sub, k);
  }
  delTicketIndex(db, batch, ticket);
  batch.del(db.sub.ticket, no);
  await db.commit(batch);
}
