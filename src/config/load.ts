import { readFileSync, existsSync, accessSync, constants } from 'node:fs';
import path from 'node:path';
import { SETTINGS, ConfigError } from './settings.js';

export interface Config {
  dataDir: string;
  hostname: string;
  domains: string[];
  smtp: {
    host: string;
    port: number;
    maxMessageBytes: number;
    maxRecipients: number;
    maxConnections: number;
    maxConnectionsPerIp: number;
    socketTimeoutMs: number;
  };
  http: { host: string; port: number; helpCentrePostsPerHour: number };
  tls: { cert: string; key: string };
  dns: { servers: string[]; timeoutMs: number };
  admin: { email: string; password: string };
  secretKey: string;
  dmarc: { rejectAction: 'reject' | 'quarantine' | 'accept' };
  /** Durations in milliseconds. */
  outbound: { retrySchedule: number[]; giveUpAfter: number; timeoutMs: number };
  log: { level: string };
}

/** Variables that are not settings but are read by the process. */
// MXDESK_URL and MXDESK_TOKEN tell the CLI which running appliance to reach (src/cli/remote.ts).
const OTHER_VARIABLES = new Set(['MXDESK_CONFIG', 'MXDESK_URL', 'MXDESK_TOKEN']);

/** The default config file: the documented one that ships in config/. */
export const DEFAULT_CONFIG_FILE = 'config/mxdesk.jsonc';

/**
 * JSON with whole-line `//` comments, so that the shipped file can document every key.
 * Comments inside a line are not supported: a `//` in a value (a URL) stays a value.
 */
export function parseJsonc(text: string, file: string): unknown {
  const json = text
    .split(/\r?\n/)
    .map((line) => (line.trimStart().startsWith('//') ? '' : line))
    .join('\n');
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new ConfigError(file, `not valid JSON: ${(err as Error).message}`);
  }
}

function flatten(obj: unknown, prefix: string, out: Map<string, unknown>, file: string): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ConfigError(prefix || file, 'expected an object');
  }
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const isSection = SETTINGS.some((s) => s.key.startsWith(key + '.'));
    if (isSection && v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out, file);
    else out.set(key, v);
  }
}

function setPath(target: Record<string, any>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts.at(-1)!] = value;
}

/**
 * Reads the config file (if any) and the environment, validates every value and returns the
 * process configuration. Any unknown key or bad value throws a ConfigError naming the key.
 * Precedence: environment > file > built-in default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const explicitFile = env.MXDESK_CONFIG;
  const file = path.resolve(cwd, explicitFile ?? DEFAULT_CONFIG_FILE);
  const fromFile = new Map<string, unknown>();
  if (existsSync(file)) {
    flatten(parseJsonc(readFileSync(file, 'utf8'), file), '', fromFile, file);
  } else if (explicitFile) {
    throw new ConfigError('MXDESK_CONFIG', `file ${file} does not exist`);
  }

  const known = new Set<string>(SETTINGS.map((s) => s.key));
  for (const key of fromFile.keys()) {
    if (!known.has(key)) throw new ConfigError(key, `unknown key in ${file}`);
  }
  const knownVars = new Set<string>(SETTINGS.map((s) => s.env));
  for (const name of Object.keys(env)) {
    if (name.startsWith('MXDESK_') && !knownVars.has(name) && !OTHER_VARIABLES.has(name)) {
      throw new ConfigError(name, 'unknown environment variable');
    }
  }

  const config: Record<string, any> = {};
  for (const s of SETTINGS) {
    const fromEnv = env[s.env];
    const source = fromEnv !== undefined ? s.env : fromFile.has(s.key) ? s.key : null;
    const raw = fromEnv !== undefined ? fromEnv : fromFile.has(s.key) ? fromFile.get(s.key) : s.default;
    try {
      setPath(config, s.key, source === null ? s.default : (s.parse as (r: unknown) => unknown)(raw));
    } catch (err) {
      throw new ConfigError(source === s.env ? `${s.env} (${s.key})` : s.key, (err as Error).message);
    }
  }
  const result = config as Config;
  if (result.domains.length === 0) throw new ConfigError('domains', 'at least one support domain is needed');
  if (Boolean(result.tls.cert) !== Boolean(result.tls.key)) {
    throw new ConfigError(result.tls.cert ? 'tls.key' : 'tls.cert', 'tls.cert and tls.key must be given together');
  }
  for (const key of ['cert', 'key'] as const) {
    const file = result.tls[key];
    if (!file) continue;
    result.tls[key] = path.resolve(cwd, file);
    try {
      accessSync(result.tls[key], constants.R_OK);
    } catch (err) {
      const name = SETTINGS.find((s) => s.key === `tls.${key}`)!.env;
      throw new ConfigError(`${name} (tls.${key})`, `cannot read ${result.tls[key]}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  result.dataDir = path.resolve(cwd, result.dataDir);
  if (!result.admin.email) result.admin.email = `admin@${result.domains[0]}`;
  return result;
}
