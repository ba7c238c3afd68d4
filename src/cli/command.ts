import { loadConfig, type Config } from '../config/load.js';
import { Db } from '../store/db.js';
import { Remote, remoteOf } from './remote.js';

export type Options = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  usage: string;
  help: string;
  options?: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  run(args: string[], opts: Options): Promise<void>;
}

/** Wrong usage: exit code 2 and the usage line. */
export class UsageError extends Error {}

/** Where a command's result (stdout) and its complaints and progress (stderr) go. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}
let io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
export const setIo = (next: Io) => (io = next);

export const out = (s: string) => io.out(s + '\n');
export const err = (s: string) => io.err(s);

/** Options of every command that can work on a running appliance through its API. */
export const REMOTE_OPTIONS = { url: { type: 'string' }, token: { type: 'string' } } as const;
export const REMOTE_HELP = 'While mxdesk runs (its store is locked), the command goes through its HTTP API when MXDESK_URL (e.g. http://127.0.0.1:8080) and an admin API token in MXDESK_TOKEN are set; --url and --token do the same and skip the store.';

class StoreInUse extends Error {}

/** Opens the store of the configured data dir; a running mxdesk holds its lock. */
export async function openStore(config: Config = loadConfig()): Promise<Db> {
  const db = new Db(config.dataDir);
  try {
    await db.open();
  } catch (err) {
    const cause = String((err as any)?.cause?.message ?? (err as Error).message);
    if (/lock/i.test(cause)) throw new StoreInUse(`the store in ${config.dataDir} is in use by a running mxdesk.`);
    throw err;
  }
  return db;
}

/**
 * Runs `local` on the store when it is free. When a running mxdesk holds it, runs `remote`
 * through that instance's API if MXDESK_URL / MXDESK_TOKEN (or --token) are set, else says
 * how to, or runs `withoutStore` when given. An explicit --url means "that running instance":
 * the store is not touched at all.
 */
export async function onStoreOrApi<T>(opts: Options, local: (db: Db, config: Config) => Promise<T>, remote?: (api: Remote) => Promise<T>, withoutStore?: (config: Config) => Promise<T>): Promise<T> {
  if (typeof opts.url === 'string') {
    if (!remote) throw new Error('this command does not work through the API; run it where the data dir is, with mxdesk stopped, or do it in the panel.');
    const api = remoteOf(opts);
    if (!api) throw new UsageError('--url needs an API token: --token or MXDESK_TOKEN');
    return remote(api);
  }
  const config = loadConfig();
  let db: Db;
  try {
    db = await openStore(config);
  } catch (err) {
    if (!(err instanceof StoreInUse)) throw err;
    const api = remoteOf(opts);
    // A command that can do with the configuration alone (a lesser answer) says so and goes on.
    if (!api && withoutStore) return withoutStore(config);
    if (!remote) throw new Error(`${err.message} Stop it first, or do this in the panel.`);
    if (!api) throw new Error(`${err.message} Stop it first, or give --url and --token (MXDESK_URL, MXDESK_TOKEN) to go through its API.`);
    return remote(api);
  }
  try {
    return await local(db, config);
  } finally {
    await db.close();
  }
}
