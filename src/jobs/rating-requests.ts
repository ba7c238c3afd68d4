import type { Logger } from 'pino';
import { Batch, type Db } from '../store/db.js';
import { getTicket, listTickets, putTicket, ticketIndex } from '../store/tickets.js';
import { getRatingSettings } from '../store/ratings.js';
import { queueAutomaticMail } from '../automation/automatic-mail.js';
import { linkExpiry, ratingLinks, ratingToken } from '../desk/ratings.js';
import { customerMail } from '../automation/template-mail.js';
import type { FullTicket } from '../desk/types.js';

/**
 * Sends the rating request of tickets closed since ratings were switched on, in the
 * departments that ask, once per ticket. Reads the Closed index newest first and stops at
 * the first ticket last updated before ratings were switched on. Returns the ticket numbers.
 */
export async function sendRatingRequests(db: Db, secret: Buffer, now: number, log: Logger): Promise<number[]> {
  const settings = await getRatingSettings(db);
  if (!settings.publicUrl || settings.departments.length === 0) return [];
  const asks = (t: FullTicket) => t.closedAt !== undefined && t.closedAt >= settings.since && t.ratingRequestedAt === undefined && t.rating === undefined && t.deletedAt === null && settings.departments.includes(t.departmentId);
  const sent: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTickets(db, { range: ticketIndex.status('closed'), limit: 100, cursor });
    for (const seen of page.items) {
      if (seen.updatedAt < settings.since) return done(sent, log);
      if (!asks(seen)) continue;
      const ok = await db.serial(async () => {
        const current = await getTicket(db, seen.number);
        if (!current || current.status !== 'closed' || !asks(current)) return false;
        const token = ratingToken(secret, current.number, linkExpiry(now, settings.linkDays));
        // The department's rating template, in the customer's language.
        const mail = await customerMail(db, 'rating', current, { ...ratingLinks(settings.publicUrl, token), 'rating.days': settings.linkDays });
        const batch = new Batch();
        const ticket = await queueAutomaticMail(db, batch, secret, current, mail, now);
        putTicket(db, batch, { ...ticket, ratingRequestedAt: now }, current);
        await db.commit(batch);
        return true;
      });
      if (ok) sent.push(seen.number);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return done(sent, log);
}

function done(sent: number[], log: Logger): number[] {
  if (sent.length) log.info({ tickets: sent }, 'ratings: asked customers to rate closed tickets');
  return sent;
}
