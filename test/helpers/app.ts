import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/load.js';
import { startApp, type App, type AppOptions } from '../../src/app/app.js';
import { createLogger } from '../../src/log.js';
import { fixedResolver } from '../../src/verdict/resolver.js';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export interface TestApp extends App {
  dataDir: string;
  /** Logs in as the admin and returns a fetch bound to the API with the session cookie. */
  api: ApiClient;
  close(): Promise<void>;
}

export type ApiClient = ((path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>) & {
  /** The session's CSRF token, sent automatically as X-CSRF-Token on every change. */
  csrfToken: string;
  /** The logged-in user as login returned it. */
  user: { id: string; email: string; name: string; role: string; departments: string[] };
};

export function tempDir(prefix = 'mxdesk-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** DNS the tests control: example.com publishes SPF for loopback and DMARC p=none. */
export const DEFAULT_DNS = {
  'example.com': { TXT: [['v=spf1 ip4:127.0.0.0/8 -all']], MX: [{ exchange: 'mx.example.com', priority: 10 }] },
  '_dmarc.example.com': { TXT: [['v=DMARC1; p=none']] },
  'customer.test': { TXT: [['v=spf1 ip4:127.0.0.0/8 -all']] },
} as Record<string, Record<string, unknown[]>>;

export function testConfig(env: Record<string, string> = {}, dataDir = tempDir()): Config {
  return loadConfig(
    {
      MXDESK_DATA_DIR: dataDir,
      MXDESK_SMTP_PORT: '0',
      MXDESK_HTTP_PORT: '0',
      MXDESK_SMTP_HOST: '127.0.0.1',
      MXDESK_HTTP_HOST: '127.0.0.1',
      MXDESK_HOSTNAME: 'mx.support.test',
      MXDESK_DOMAINS: 'support.test,help.test',
      MXDESK_ADMIN_EMAIL: ADMIN.email,
      MXDESK_ADMIN_PASSWORD: ADMIN.password,
      MXDESK_LOG_LEVEL: 'silent',
      ...env,
    },
    path.resolve(import.meta.dirname, '../..'),
  );
}

export async function startTestApp(opts: { env?: Record<string, string>; dns?: Record<string, Record<string, unknown[]>>; dataDir?: string; login?: boolean } & AppOptions = {}): Promise<TestApp> {
  const config = testConfig(opts.env, opts.dataDir);
  const app = await startApp(config, {
    resolver: opts.resolver ?? fixedResolver(opts.dns ?? DEFAULT_DNS),
    log: opts.log ?? createLogger(process.env.MXDESK_TEST_LOG ?? 'silent'),
    now: opts.now,
    loginLimits: opts.loginLimits,
    searchRebuildAfter: opts.searchRebuildAfter,
  });
  const notLoggedIn = Object.assign(() => Promise.reject(new Error('this test app was started without logging in')), { csrfToken: '', user: { id: '', email: '', name: '', role: '', departments: [] } }) as ApiClient;
  const api: ApiClient = opts.login === false ? notLoggedIn : await login(`http://127.0.0.1:${app.httpPort}`, ADMIN.email, ADMIN.password);
  return {
    ...app,
    dataDir: config.dataDir,
    api,
    async close() {
      await app.stop();
      if (!opts.dataDir) rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(base: string, email: string, password: string): Promise<ApiClient> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken, user } = (await res.json()) as { csrfToken: string; user: ApiClient['user'] };
  const client = (p: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', cookie);
    const method = (init.method ?? 'GET').toUpperCase();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && !headers.has('x-csrf-token')) headers.set('x-csrf-token', csrfToken);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const { json: _json, ...rest } = init;
    return fetch(`${base}${p}`, { ...rest, headers, body });
  };
  return Object.assign(client, { csrfToken, user });
}

/** The base URL of a test app's HTTP API. */
export const baseUrl = (app: App) => `http://127.0.0.1:${app.httpPort}`;

/** A simple RFC 5322 message. */
export function mail(opts: { from?: string; to?: string; subject?: string; body?: string; messageId?: string; headers?: Record<string, string>; date?: string }): string {
  const lines = [
    `From: ${opts.from ?? 'Alice Customer <alice@example.com>'}`,
    `To: ${opts.to ?? 'support@support.test'}`,
    `Subject: ${opts.subject ?? 'Help with my order'}`,
    `Date: ${opts.date ?? new Date().toUTCString()}`,
    `Message-ID: ${opts.messageId ?? `<${Math.random().toString(36).slice(2)}@example.com>`}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    opts.body ?? 'Hello, my order has not arrived.',
    '',
  ];
  return lines.join('\r\n');
}

export async function json<T = any>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  const text = await r.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${r.status}): ${text.slice(0, 200)}`);
  }
}
