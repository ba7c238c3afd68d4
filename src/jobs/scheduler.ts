import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { autoCloseWaiting } from './auto-close.js';
import { purgeOldTrash } from './purge-trash.js';
import { runSlaChecks, type Escalated } from './sla.js';
import { sendRatingRequests } from './rating-requests.js';

/** How often the timers run: auto-close counts in days, so a few minutes late is fine. */
const INTERVAL_MS = 5 * 60_000;
/** SLA targets count in minutes: deadlines and escalations are checked every minute. */
const SLA_INTERVAL_MS = 60_000;

export interface Jobs {
  /** Runs auto-close now with the app's clock; tests call it after moving the clock. */
  runAutoClose(): Promise<number[]>;
  /** Deletes tickets that have been in the Trash for 30 days. */
  runPurge(): Promise<number[]>;
  /** Updates SLA deadlines and runs the escalations that came due. */
  runSla(): Promise<Escalated[]>;
  /** Mails the rating request of newly closed tickets; returns their numbers. */
  runRatingRequests(): Promise<number[]>;
  stop(): Promise<void>;
}

export function startJobs(deps: { db: Db; log: Logger; now: () => number; intervalMs?: number; slaIntervalMs?: number; secret?: Buffer; wakeOutbound?: () => void }): Jobs {
  // Jobs run one after another, never two at once.
  let running: Promise<unknown> = Promise.resolve();
  const queue = <T>(name: string, job: () => Promise<T>) => {
    const run = running.then(job);
    running = run.catch((err) => deps.log.error({ err }, `jobs: ${name} failed; it runs again at the next tick`));
    return run;
  };
  // Closing mails and agents' notification mails wait in the outbound queue: send them now.
  const thenWake = <T extends unknown[]>(done: T) => {
    if (done.length) deps.wakeOutbound?.();
    return done;
  };
  const runAutoClose = () => queue('auto-close', () => autoCloseWaiting(deps.db, deps.now(), deps.log, deps.secret)).then(thenWake);
  const runPurge = () => queue('purge', () => purgeOldTrash(deps.db, deps.now(), deps.log));
  const timer = setInterval(() => {
    void runAutoClose().catch(() => undefined);
    void runPurge().catch(() => undefined);
  }, deps.intervalMs ?? INTERVAL_MS);
  timer.unref();
  // Overdue notices are not escalations: wake the queue after every check, it is cheap.
  const runSla = () => queue('sla', () => runSlaChecks(deps.db, deps.now(), deps.log)).finally(() => deps.wakeOutbound?.());
  const runRatingRequests = async () => {
    const sent = await queue('ratings', () => (deps.secret ? sendRatingRequests(deps.db, deps.secret, deps.now(), deps.log) : Promise.resolve([])));
    if (sent.length) deps.wakeOutbound?.();
    return sent;
  };
  // Both count in minutes: an SLA target, a customer waiting for the rating mail after a close.
  const slaTimer = setInterval(() => {
    void runSla().catch(() => undefined);
    void runRatingRequests().catch(() => undefined);
  }, deps.slaIntervalMs ?? SLA_INTERVAL_MS);
  slaTimer.unref();
  return {
    runAutoClose,
    runPurge,
    runSla,
    runRatingRequests,
    async stop() {
      clearInterval(timer);
      clearInterval(slaTimer);
      await running;
    },
  };
}
