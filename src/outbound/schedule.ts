// When to try a relay again. RFC 5321 §4.5.4.1 asks MTAs to wait at least 30 minutes
// between attempts; a help desk talks to its own submission relay, where a short first
// wait (a restarting relay) serves the customer better, so the default starts at 1 minute
// and backs off to every 4 hours (outbound.retrySchedule).

/** The time of the next attempt after `attempts` attempts failed temporarily. */
export function nextAttemptAfter(attempts: number, now: number, schedule: number[]): number {
  if (schedule.length === 0) return now;
  const wait = schedule[Math.min(Math.max(attempts, 1) - 1, schedule.length - 1)]!;
  return now + wait;
}
