import type { FullTicket } from './types.js';
import { businessTimeBetween, type BusinessCalendar } from './business-hours.js';

// The desk's figures for a period: how many tickets, how many still open or overdue, how
// fast the first answer and the resolution came, and how customers rated them. Pure: the
// route reads the tickets created in the period and their first response times.

export interface StatsRow {
  ticket: FullTicket;
  /** The first public agent reply (desk/sla.ts firstResponseAt), null when none yet. */
  respondedAt: number | null;
  /** The ticket's next deadline (agent due date or SLA), for "overdue". */
  dueAt: number | null;
  /** The business hours of the ticket's department (its SLA policy's calendar), if it has any. */
  calendar?: BusinessCalendar | null;
}

export interface Figures {
  total: number;
  open: number;
  overdue: number;
  /** Wall-clock milliseconds, averaged over the tickets that have one; null when none. */
  avgFirstResponseMs: number | null;
  avgResolutionMs: number | null;
  /**
   * The same averages counted in business hours for tickets whose department has a schedule
   * (wall-clock time for the others), so a Friday-evening mail answered on Monday morning
   * does not count the weekend.
   */
  avgFirstResponseBusinessMs: number | null;
  avgResolutionBusinessMs: number | null;
  ratings: { count: number; score: number | null };
}

export interface Stats extends Figures {
  from: number;
  to: number;
  byDepartment: Array<Figures & { key: string }>;
  byAgent: Array<Figures & { key: string }>;
  bySupportAddress: Array<Figures & { key: string }>;
  /** One row per UTC day of the period: tickets created and closed that day. */
  daily: Array<{ date: string; created: number; closed: number }>;
}

const DAY = 86_400_000;
/** A rating's worth in the score: good counts 1, neutral 0.5, bad 0; the score is the mean. */
const RATING_VALUE = { good: 1, neutral: 0.5, bad: 0 } as const;

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Time from the ticket's creation to `end`: business time under its calendar, else wall-clock. */
const workingTime = (r: StatsRow, end: number) => (r.calendar ? businessTimeBetween(r.ticket.createdAt, end, r.calendar) : end - r.ticket.createdAt);

export function figures(rows: StatsRow[], now: number): Figures {
  const responded = rows.filter((r) => r.respondedAt !== null);
  const resolved = rows.filter((r) => r.ticket.status === 'closed' && r.ticket.closedAt !== undefined);
  const rated = rows.map((r) => (r.ticket as { rating?: { value: keyof typeof RATING_VALUE } }).rating).filter((x) => !!x);
  return {
    total: rows.length,
    open: rows.filter((r) => r.ticket.status !== 'closed').length,
    overdue: rows.filter((r) => r.ticket.status !== 'closed' && r.dueAt !== null && r.dueAt < now).length,
    avgFirstResponseMs: mean(responded.map((r) => r.respondedAt! - r.ticket.createdAt)),
    avgResolutionMs: mean(resolved.map((r) => r.ticket.closedAt! - r.ticket.createdAt)),
    avgFirstResponseBusinessMs: mean(responded.map((r) => workingTime(r, r.respondedAt!))),
    avgResolutionBusinessMs: mean(resolved.map((r) => workingTime(r, r.ticket.closedAt!))),
    ratings: { count: rated.length, score: mean(rated.map((x) => RATING_VALUE[x!.value] ?? 0)) },
  };
}

function grouped(rows: StatsRow[], keyOf: (r: StatsRow) => string, now: number): Array<Figures & { key: string }> {
  const groups = new Map<string, StatsRow[]>();
  for (const r of rows) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, rs]) => ({ key, ...figures(rs, now) }));
}

export const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The figures of tickets created in [from, to), overall, per group and per day. */
export function computeStats(rows: StatsRow[], from: number, to: number, now: number): Stats {
  const daily: Stats['daily'] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    const inDay = (ms: number | undefined) => ms !== undefined && ms >= day && ms < day + DAY;
    daily.push({ date: utcDate(day), created: rows.filter((r) => inDay(r.ticket.createdAt)).length, closed: rows.filter((r) => r.ticket.status === 'closed' && inDay(r.ticket.closedAt)).length });
  }
  return {
    from,
    to,
    ...figures(rows, now),
    byDepartment: grouped(rows, (r) => r.ticket.departmentId, now),
    byAgent: grouped(rows, (r) => r.ticket.assigneeId ?? 'unassigned', now),
    bySupportAddress: grouped(rows, (r) => r.ticket.alias.toLowerCase(), now),
    daily,
  };
}

const CSV_HEADER = ['group', 'key', 'total', 'open', 'overdue', 'avg_first_response_minutes', 'avg_resolution_minutes', 'rating_count', 'rating_score', 'created', 'closed'];

/** RFC 4180 CSV: one row overall, one per department, agent, support address, and per day. */
export function statsCsv(s: Stats): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const minutes = (ms: number | null) => (ms === null ? null : (ms / 60_000).toFixed(1));
  const row = (group: string, key: string, f: Figures) => [group, key, f.total, f.open, f.overdue, minutes(f.avgFirstResponseMs), minutes(f.avgResolutionMs), f.ratings.count, f.ratings.score, '', ''];
  const rows = [
    CSV_HEADER,
    row('all', '', s),
    ...s.byDepartment.map((f) => row('department', f.key, f)),
    ...s.byAgent.map((f) => row('agent', f.key, f)),
    ...s.bySupportAddress.map((f) => row('support-address', f.key, f)),
    ...s.daily.map((d) => ['day', d.date, '', '', '', '', '', '', '', d.created, d.closed]),
  ];
  // RFC 4180 §2: records end in CRLF.
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
