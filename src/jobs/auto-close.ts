import type { Logger } from 'pino';
import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { getSettings, listDepartments } from '../store/directory.js';
import { getTicket, listTickets, putTicket, ticketIndex } from '../store/tickets.js';
import { putTask, putTimeline, tasksOf } from '../store/activity.js';
import { applyUpdate, isDueForAutoClose } from '../desk/lifecycle.js';
import { SYSTEM_ACTOR } from '../desk/records.js';
import { departmentTemplates } from '../desk/templates.js';
import { getTemplateSettings } from '../store/templates.js';
import { queueAutomaticMail } from '../automation/automatic-mail.js';
import { customerMail } from '../automation/template-mail.js';

const DAY = 86_400_000;

/**
 * Closes Waiting tickets whose customer has not answered for their department's number of
 * days (the desk default otherwise). Reads only the Waiting index, oldest update first, and
 * stops at the first ticket updated too recently to qualify under any department's rule:
 * a Waiting ticket's status changed no later than its last update. Departments that want it
 * send the customer their closing mail (template "closing") in the same batch as the close.
 */
export async function autoCloseWaiting(db: Db, now: number, log: Logger, secret?: Buffer): Promise<number[]> {
  const settings = await getSettings(db);
  const templates = await getTemplateSettings(db);
  const departments = await listDepartments(db);
  const daysOf = new Map(departments.map((d) => [d.id, d.autoCloseDays ?? settings.autoCloseDays] as const));
  const positive = [settings.autoCloseDays, ...daysOf.values()].filter((d) => d > 0);
  if (positive.length === 0) return [];
  const newestThatMayQualify = now - Math.min(...positive) * DAY;

  const closed: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const range = { ...ticketIndex.status('waiting'), ascending: true };
    const page = await listTickets(db, { range, limit: 100, cursor });
    for (const seen of page.items) {
      if (seen.updatedAt > newestThatMayQualify) return closed;
      const days = daysOf.get(seen.departmentId) ?? settings.autoCloseDays;
      if (!isDueForAutoClose(seen, days, now)) continue;
      const done = await db.serial(async () => {
        const current = await getTicket(db, seen.number);
        if (!current || !isDueForAutoClose(current, days, now)) return false;
        const closed = applyUpdate(current, { status: 'closed' }, now);
        const { changes } = closed;
        let { ticket } = closed;
        const batch = new Batch();
        if (secret && departmentTemplates(templates, current.departmentId).closingMail) {
          ticket = await queueAutomaticMail(db, batch, secret, ticket, await customerMail(db, 'closing', ticket, { 'closing.days': days }), now);
        }
        putTicket(db, batch, ticket, current);
        for (const c of changes) {
          putTimeline(db, batch, { id: newId(now), ticketNumber: ticket.number, at: now, by: SYSTEM_ACTOR, what: c.what, from: c.from, to: c.to, note: `No reply from the customer for ${days} days.` });
        }
        if (current.assigneeId) {
          for (const t of await tasksOf(db, current.assigneeId)) if (t.ticketNumber === ticket.number && t.doneAt === null) putTask(db, batch, { ...t, doneAt: now });
        }
        await db.commit(batch);
        return true;
      });
      if (done) closed.push(seen.number);
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (closed.length) log.info({ tickets: closed }, 'auto-close: closed waiting tickets without a customer reply');
  return closed;
}
