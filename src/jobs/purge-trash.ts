import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { getTicketRecord, listTickets, ticketIndex } from '../store/tickets.js';
import { purgeTicket } from '../store/purge.js';

/** Tickets stay in the Trash this long before they are deleted for good (issue 4). */
export const TRASH_DAYS = 30;
const DAY = 86_400_000;

/** Purges tickets trashed more than TRASH_DAYS ago; reads only that part of the Trash index. */
export async function purgeOldTrash(db: Db, now: number, log: Logger): Promise<number[]> {
  const purged: number[] = [];
  const cutoff = now - TRASH_DAYS * DAY;
  let cursor: string | undefined;
  do {
    const page = await listTickets(db, { range: ticketIndex.trash(cutoff + 1), limit: 100, cursor });
    for (const t of page.items) {
      const done = await db.serial(async () => {
        // Restored meanwhile? Then it stays.
        const current = await getTicketRecord(db, t.number);
        if (!current || current.deletedAt === null || current.deletedAt > cutoff) return false;
        await purgeTicket(db, current);
        return true;
      });
      if (done) purged.push(t.number);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (purged.length) log.info({ tickets: purged }, 'purge: deleted tickets from the Trash for good');
  return purged;
}
