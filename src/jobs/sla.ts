import type { Logger } from 'pino';
import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { getUser, listUsers } from '../store/directory.js';
import { notifyAgents } from '../automation/notify-agents.js';
import { getTicket, listTickets, messagesOf, putTicket, ticketIndex } from '../store/tickets.js';
import { putTask, putTimeline } from '../store/activity.js';
import { listSlaPolicies } from '../store/sla.js';
import { applyUpdate, type TicketUpdate } from '../desk/lifecycle.js';
import { dueEscalations, escalationKey, firstResponseAt, nextDeadline, policyFor, raisedPriority, slaState, type Escalation, type SlaPolicy } from '../desk/sla.js';
import { canBeAssigned } from '../desk/access.js';
import { SYSTEM_ACTOR } from '../desk/records.js';
import type { FullTicket, TicketStatus } from '../desk/types.js';

/** What one run of the SLA job did to one ticket. */
export interface Escalated {
  ticketNumber: number;
  escalation: string;
}

const RUNNING: readonly TicketStatus[] = ['open', 'waiting', 'hold'];

/**
 * Keeps every unclosed ticket's next SLA deadline on the ticket (the overdue list reads it
 * from the index) and runs the escalations that came due: notify, reassign, raise priority.
 * Each escalation runs once per ticket; the ticket remembers which ran.
 */
export async function runSlaChecks(db: Db, now: number, log: Logger): Promise<Escalated[]> {
  const policies = await listSlaPolicies(db);
  if (policies.length === 0) return [];
  const done: Escalated[] = [];
  for (const status of RUNNING) {
    let cursor: string | undefined;
    do {
      const page = await listTickets(db, { range: ticketIndex.status(status), limit: 100, cursor });
      for (const seen of page.items) {
        if (seen.deletedAt !== null || !policyFor(policies, seen.departmentId)) continue;
        done.push(...(await checkTicket(db, policies, seen.number, now)));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  if (done.length) log.info({ escalations: done }, 'sla: escalated tickets');
  return done;
}

async function checkTicket(db: Db, policies: SlaPolicy[], number: number, now: number): Promise<Escalated[]> {
  return db.serial(async () => {
    const current = await getTicket(db, number);
    const policy = current && policyFor(policies, current.departmentId);
    if (!current || !policy || current.status === 'closed') return [];
    const state = slaState(policy, current, firstResponseAt(await messagesOf(db, number)), now);
    const ran = current.sla?.escalated ?? [];
    const noticed = current.sla?.overdueNoticed ?? [];
    const escalations = state ? dueEscalations(policy, current, state, now, ran) : [];
    // A target passed unmet is told once to whoever owns the ticket (its department when nobody does).
    const overdue = state && !state.paused ? GOALS.filter((g) => state[g]?.breached && state[g]!.metAt === null && !noticed.includes(g)) : [];
    const nextDueAt = nextDeadline(state);
    if (escalations.length === 0 && overdue.length === 0 && nextDueAt === (current.sla?.nextDueAt ?? null)) return [];

    const batch = new Batch();
    let ticket: FullTicket = current;
    for (const e of escalations) ticket = await escalate(db, batch, ticket, e, now);
    for (const g of overdue) {
      const to = ticket.assigneeId ? [ticket.assigneeId] : (await listUsers(db)).filter((u) => u.departments.includes(ticket.departmentId)).map((u) => u.id);
      const text = `#${ticket.number} is overdue: its ${g === 'firstResponse' ? 'first response' : 'resolution'} target passed at ${new Date(state![g]!.dueAt!).toISOString()}: ${ticket.subject}`;
      await notifyAgents(db, batch, { event: 'overdue', ticket, by: SYSTEM_ACTOR, text, to, now });
    }
    ticket = { ...ticket, sla: { nextDueAt, escalated: [...ran, ...escalations.map(escalationKey)], overdueNoticed: [...noticed, ...overdue] } };
    putTicket(db, batch, ticket, current);
    await db.commit(batch);
    return escalations.map((e) => ({ ticketNumber: number, escalation: escalationKey(e) }));
  });
}

/** Runs one escalation's actions into the batch and returns the ticket as it now is. */
async function escalate(db: Db, batch: Batch, ticket: FullTicket, e: Escalation, now: number): Promise<FullTicket> {
  const what = e.at >= 1 ? `breached its ${goalName(e)} target` : `reached ${Math.round(e.at * 100)}% of its ${goalName(e)} target`;
  const update: TicketUpdate = {};
  if (e.raisePriority) update.priority = raisedPriority(ticket.priority);
  if (e.reassignTo) {
    const to = await getUser(db, e.reassignTo);
    if (to && canBeAssigned(to)) update.assigneeId = to.id;
  }
  // Applied without bumping updatedAt: an escalation is not news from the customer or an agent.
  const { ticket: next, changes } = applyUpdate(ticket, update, ticket.updatedAt);
  for (const c of changes) {
    putTimeline(db, batch, { id: newId(now), ticketNumber: ticket.number, at: now, by: SYSTEM_ACTOR, what: c.what, from: c.from, to: c.to, note: `SLA: the ticket ${what}.` });
  }
  putTimeline(db, batch, { id: newId(now), ticketNumber: ticket.number, at: now, by: SYSTEM_ACTOR, what: 'sla', to: escalationKey(e), note: `SLA: the ticket ${what}.` });
  if (next.assigneeId !== ticket.assigneeId && next.assigneeId) {
    putTask(db, batch, { id: newId(now), userId: next.assigneeId, ticketNumber: ticket.number, title: `#${ticket.number} ${ticket.subject}`, createdAt: now, doneAt: null });
  }
  const recipients = new Set(e.notify.map((n) => (n === 'assignee' ? next.assigneeId : n)).filter((n): n is string => !!n));
  if (e.reassignTo && next.assigneeId === e.reassignTo) recipients.add(e.reassignTo);
  await notifyAgents(db, batch, { event: 'escalated', ticket: next, by: SYSTEM_ACTOR, text: `#${ticket.number} ${what}: ${ticket.subject}`, to: [...recipients], now });
  return next;
}

const GOALS = ['firstResponse', 'resolution'] as const;

const goalName = (e: Escalation) => (e.goal === 'firstResponse' ? 'first response' : 'resolution');
