import { addBusinessTime, type BusinessCalendar, type Interval } from './business-hours.js';
import type { FullTicket, Message, Priority, Severity, TicketStatus } from './types.js';

// Service levels: what a department promises (first response and resolution within so many
// business minutes, by priority and/or severity), and where a ticket stands against it.
// Pure: the job and the API pass in the ticket, its messages and the clock.

export type SlaGoal = 'firstResponse' | 'resolution';

export interface SlaTarget {
  /** Unset: any priority. The first target matching both priority and severity applies. */
  priority?: Priority;
  severity?: Severity;
  firstResponseMinutes?: number;
  resolutionMinutes?: number;
}

export interface Escalation {
  /** Share of the target elapsed: 0.75 warns at three quarters, 1 is the breach. */
  at: number;
  goal: SlaGoal;
  /** User ids to notify; 'assignee' notifies whoever owns the ticket then. */
  notify: string[];
  reassignTo?: string;
  raisePriority?: boolean;
}

export interface SlaPolicy {
  id: string;
  name: string;
  /** The department whose tickets it covers; null covers departments without their own. */
  departmentId: string | null;
  enabled: boolean;
  calendar: BusinessCalendar;
  targets: SlaTarget[];
  escalations: Escalation[];
  createdAt: number;
  updatedAt: number;
}

/** While a ticket is in these states the clock stops: the next move is not ours. */
export const PAUSED_STATUSES: readonly TicketStatus[] = ['waiting', 'hold'];

/** The policy covering a ticket: its department's, else the catch-all one. */
export function policyFor(policies: SlaPolicy[], departmentId: string): SlaPolicy | undefined {
  const enabled = policies.filter((p) => p.enabled);
  return enabled.find((p) => p.departmentId === departmentId) ?? enabled.find((p) => p.departmentId === null);
}

export function targetFor(policy: SlaPolicy, t: Pick<FullTicket, 'priority' | 'severity'>): SlaTarget | undefined {
  return policy.targets.find((x) => (!x.priority || x.priority === t.priority) && (!x.severity || x.severity === t.severity));
}

/**
 * The first response: the first public agent reply. Acknowledgements, forwards and replies
 * the requester did not receive ('private') do not answer the customer.
 */
export function firstResponseAt(messages: Pick<Message, 'direction' | 'flags' | 'date'>[]): number | null {
  const m = messages.find((x) => x.direction === 'out' && !x.flags.some((f) => f === 'private' || f === 'acknowledgement' || f === 'forward' || f === 'system'));
  return m ? m.date : null;
}

/** The spans the clock stood still, the current one running until `now`. */
export function pausesOf(t: Pick<FullTicket, 'slaPauses'>, now: number): Interval[] {
  return (t.slaPauses ?? []).map((p) => ({ from: p.from, to: p.to ?? now }));
}

export interface GoalState {
  dueAt: number | null;
  /** When it was met (the reply, the close); null while open. */
  metAt: number | null;
  breached: boolean;
}

export interface SlaState {
  policyId: string;
  paused: boolean;
  firstResponse: GoalState | null;
  resolution: GoalState | null;
}

/**
 * Where a ticket stands. A running pause counts until now, so a paused ticket's due times
 * move forward as it waits, and stand still again once it is back with us.
 */
export function slaState(policy: SlaPolicy, t: FullTicket, respondedAt: number | null, now: number): SlaState | null {
  const target = targetFor(policy, t);
  if (!target) return null;
  const pauses = pausesOf(t, now);
  const goal = (minutes: number | undefined, metAt: number | null): GoalState | null => {
    if (minutes === undefined) return null;
    const dueAt = addBusinessTime(t.createdAt, minutes * 60_000, policy.calendar, pauses);
    return { dueAt, metAt, breached: dueAt !== null && (metAt ?? now) > dueAt };
  };
  const closedAt = t.status === 'closed' ? (t.closedAt ?? t.updatedAt) : null;
  return {
    policyId: policy.id,
    paused: PAUSED_STATUSES.includes(t.status),
    firstResponse: goal(target.firstResponseMinutes, respondedAt),
    resolution: goal(target.resolutionMinutes, closedAt),
  };
}

/** The next deadline still to meet, for the overdue list; null when none runs. */
export function nextDeadline(s: SlaState | null): number | null {
  if (!s || s.paused) return null;
  const open = [s.firstResponse, s.resolution].filter((g): g is GoalState => !!g && g.metAt === null && g.dueAt !== null);
  return open.length ? Math.min(...open.map((g) => g.dueAt!)) : null;
}

/** Escalation ids, stable across runs, so each fires once per ticket. */
export const escalationKey = (e: Escalation) => `${e.goal}@${e.at}`;

/**
 * Escalations due now and not yet done: the goal is still unmet and `at` of its target has
 * passed in business time (pauses excluded).
 */
export function dueEscalations(policy: SlaPolicy, t: FullTicket, state: SlaState, now: number, done: string[]): Escalation[] {
  const target = targetFor(policy, t);
  if (!target || state.paused) return [];
  const pauses = pausesOf(t, now);
  return policy.escalations.filter((e) => {
    if (done.includes(escalationKey(e))) return false;
    const g = state[e.goal];
    const minutes = e.goal === 'firstResponse' ? target.firstResponseMinutes : target.resolutionMinutes;
    if (!g || g.metAt !== null || minutes === undefined) return false;
    const when = addBusinessTime(t.createdAt, e.at * minutes * 60_000, policy.calendar, pauses);
    return when !== null && now >= when;
  });
}

/** One step up, urgent stays urgent. */
export function raisedPriority(p: Priority): Priority {
  const order: Priority[] = ['low', 'medium', 'high', 'urgent'];
  return order[Math.min(order.indexOf(p) + 1, order.length - 1)]!;
}

/**
 * The pause log after a status change: entering Waiting or On hold opens a pause, leaving
 * them closes it. Kept by the store on every ticket write.
 */
export function notePause(pauses: Array<{ from: number; to: number | null }> | undefined, from: TicketStatus | undefined, to: TicketStatus, at: number) {
  const list = pauses ? [...pauses] : [];
  const wasPaused = from !== undefined && PAUSED_STATUSES.includes(from);
  const isPaused = PAUSED_STATUSES.includes(to);
  if (isPaused && !wasPaused) list.push({ from: at, to: null });
  if (!isPaused && wasPaused && list.length && list.at(-1)!.to === null) list[list.length - 1] = { ...list.at(-1)!, to: at };
  return list;
}
