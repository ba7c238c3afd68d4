import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { getMessage } from '../store/tickets.js';
import { putNotification } from '../store/activity.js';
import { SYSTEM_ACTOR } from '../desk/records.js';
import type { OutboundItem } from './item.js';

/**
 * A mail the relay refused for good (5xx, or retries given up) is shown on its message; the
 * agent who wrote it is also told in the panel, since they are the one who must act (fix the
 * address, call the customer). Acknowledgements and rule mails have no author: nobody to tell.
 */
export async function noticeFailedDelivery(db: Db, item: OutboundItem, now: number): Promise<boolean> {
  if (item.state !== 'failed') return false;
  const message = await getMessage(db, item.messageRecordId);
  if (!message?.author) return false;
  const to = item.to.map((a) => a.email).join(', ');
  const batch = new Batch();
  putNotification(db, batch, {
    id: newId(now),
    userId: message.author.id,
    kind: 'delivery-failed',
    ticketNumber: item.ticketNumber,
    by: SYSTEM_ACTOR,
    text: `Your mail on #${item.ticketNumber} to ${to} was not delivered: ${item.lastReply ?? 'refused by the relay'}`.slice(0, 400),
    createdAt: now,
    readAt: null,
  });
  await db.commit(batch, true);
  return true;
}
