import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { autoCloseWaiting } from './auto-close.js';

/** How often the timers run: auto-close counts in days, so a few minutes late is fine. */
const INTERVAL_MS = 5 * 60_000;

export interface Jobs {
  /** Runs auto-close now with the app's clock; tests call it after moving the clock. */
  runAutoClose(): Promise<number[]>;
  stop(): Promise<void>;
}

export function startJobs(deps: { db: Db; log: Logger; now: () => number; intervalMs?: number }): Jobs {
  let running: Promise<unknown> = Promise.resolve();
  const runAutoClose = () => {
    const run = running.then(() => autoCloseWaiting(deps.db, deps.now(), deps.log));
    running = run.catch((err) => deps.log.error({ err }, 'jobs: auto-close failed; it runs again at the next tick'));
    return run;
  };
  const timer = setInterval(() => void runAutoClose().catch(() => undefined), deps.intervalMs ?? INTERVAL_MS);
  timer.unref();
  return {
    runAutoClose,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
