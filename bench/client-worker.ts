// Runs bench/client.ts's drive() in a worker thread: the options come as workerData, the
// result goes back as one message at the end (a message per mail would cost the server's
// thread its handling).
import { parentPort, workerData, Worker } from 'node:worker_threads';
import { drive, type DriveOptions, type Driven } from './client.js';

if (parentPort && workerData?.benchClient) {
  drive(workerData.options as DriveOptions).then(
    (result) => parentPort!.postMessage({ result }),
    (err) => parentPort!.postMessage({ error: String(err?.stack ?? err) }),
  );
}

/** drive() on another thread; resolves with its result. */
export function driveInWorker(options: DriveOptions): Promise<Driven> {
  return new Promise((resolve, reject) => {
    // Under tsx (npm run bench) the worker registers tsx before it loads this file, as
    // TypeScript: a worker does not inherit the parent's loader hooks.
    const boot = import.meta.url.endsWith('.ts')
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); })`
      : `import(${JSON.stringify(import.meta.url)})`;
    const worker = new Worker(boot, { eval: true, workerData: { benchClient: true, options } });
    worker.once('message', (m: { result?: Driven; error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(`bench client: ${m.error}`));
      else resolve(m.result!);
    });
    worker.once('error', reject);
  });
}
