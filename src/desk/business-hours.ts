// Business-hours arithmetic: "8 working hours after Friday 16:00 in Madrid" is a point in
// UTC. Pure; time zones come from the runtime's IANA data through Intl, so daylight saving
// moves the office hours with the local clock, as the business sees them.

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Opening hours per weekday as "HH:MM" pairs in local time; a missing day is closed. */
export interface BusinessCalendar {
  timeZone: string;
  week: Partial<Record<Weekday, Array<[string, string]>>>;
  /** Local dates (YYYY-MM-DD) the business is closed all day. */
  holidays: string[];
}

/** A span of time (UTC ms) that does not count, e.g. while the ticket waits on the customer. */
export interface Interval {
  from: number;
  to: number;
}

const MINUTE = 60_000;
/** How far ahead a deadline is searched: a calendar with no open hour at all has none. */
const MAX_DAYS = 3 * 366;

/** Whether a time zone name is one the runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** The local wall-clock fields of an instant in a zone. */
function localParts(ms: number, tz: string): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const p: Record<string, number> = {};
  for (const part of formatterFor(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, m: p.month!, d: p.day!, hh: p.hour!, mm: p.minute!, ss: p.second! };
}

/** Offset of the zone from UTC at an instant, in ms (Madrid in summer: +2 h). */
export function zoneOffset(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a local wall-clock time names. Across a spring-forward gap the time does not
 * exist and resolves an hour later; in the autumn overlap, the first of the two.
 */
export function localToUtc(y: number, m: number, d: number, minutes: number, tz: string): number {
  const naive = Date.UTC(y, m - 1, d) + minutes * MINUTE;
  const first = naive - zoneOffset(naive, tz);
  const second = naive - zoneOffset(first, tz);
  return Math.min(first, second);
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};
const isoDate = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The calendar's open spans (UTC) on each local day from the one holding `start` on. */
function* openSpans(start: number, cal: BusinessCalendar): Generator<Interval> {
  const p = localParts(start, cal.timeZone);
  const holidays = new Set(cal.holidays);
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = new Date(Date.UTC(p.y, p.m - 1, p.d + i));
    const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    if (holidays.has(isoDate(y, m, d))) continue;
    const spans = [...(cal.week[WEEKDAYS[day.getUTCDay()]!] ?? [])].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
    for (const [open, close] of spans) {
      yield { from: localToUtc(y, m, d, minutesOf(open), cal.timeZone), to: localToUtc(y, m, d, minutesOf(close), cal.timeZone) };
    }
  }
}

/** What of `span` is left after taking out the (sorted or not) excluded intervals. */
function subtract(span: Interval, excluded: Interval[]): Interval[] {
  let parts = [span];
  for (const x of excluded) {
    parts = parts.flatMap((p) => {
      if (x.to <= p.from || x.from >= p.to) return [p];
      const out: Interval[] = [];
      if (x.from > p.from) out.push({ from: p.from, to: x.from });
      if (x.to < p.to) out.push({ from: x.to, to: p.to });
      return out;
    });
  }
  return parts;
}

/**
 * The instant at which `ms` of business time have passed since `start`, not counting the
 * excluded intervals. Null when the calendar has no open time within three years.
 */
export function addBusinessTime(start: number, ms: number, cal: BusinessCalendar, excluded: Interval[] = []): number | null {
  let left = ms;
  for (const span of openSpans(start, cal)) {
    if (span.to <= start) continue;
    for (const part of subtract({ from: Math.max(span.from, start), to: span.to }, excluded)) {
      const length = part.to - part.from;
      if (left <= length) return part.from + left;
      left -= length;
    }
  }
  return null;
}

/** Business time between two instants, not counting the excluded intervals. */
export function businessTimeBetween(start: number, end: number, cal: BusinessCalendar, excluded: Interval[] = []): number {
  let total = 0;
  for (const span of openSpans(start, cal)) {
    if (span.from >= end) break;
    if (span.to <= start) continue;
    for (const part of subtract({ from: Math.max(span.from, start), to: Math.min(span.to, end) }, excluded)) total += part.to - part.from;
  }
  return total;
}

/** Problems with a calendar as an admin typed it; empty when it is usable. */
export function calendarProblems(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!isTimeZone(cal.timeZone)) problems.push(`"${cal.timeZone}" is not a time zone name (IANA, e.g. Europe/Madrid).`);
  for (const [day, spans] of Object.entries(cal.week)) {
    for (const [open, close] of spans ?? []) {
      if (minutesOf(open) >= minutesOf(close)) problems.push(`On ${day}, ${open}-${close} closes before it opens.`);
    }
  }
  if (!Object.values(cal.week).some((s) => s && s.length)) problems.push('The week has no open hours.');
  return problems;
}

/** The local weekday, hour and minute of an instant in a zone (rules' time windows). */
export function localTime(ms: number, tz: string): { weekday: Weekday; hour: number; minute: number } {
  const p = localParts(ms, tz);
  return { weekday: WEEKDAYS[new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay()]!, hour: p.hh, minute: p.mm };
}
