import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A port free at this moment, for a child process that needs its ports known up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

/**
 * Starts the real appliance (src/main.ts; or dist/main.js, built by `npm run build`, as
 * `npm start` runs it, when `compiled`) and resolves once its /healthz answers 200.
 */
export async function startProcess(env: Record<string, string>, opts: { compiled?: boolean } = {}): Promise<Running> {
  const args = opts.compiled ? startArgs() : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mxdesk exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${env.MXDESK_HTTP_PORT}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, exited, output: () => out };
}

/**
 * The environment of a real mxdesk process on loopback: free ports, the test domains, and
 * DNS sent to a closed loopback port so no query leaves the machine (verdicts: temperror).
 */
export async function processEnv(dataDir: string, overrides: Record<string, string> = {}): Promise<{ env: Record<string, string>; smtpPort: number; httpPort: number }> {
  const [smtpPort, httpPort, deadDns] = await Promise.all([freePort(), freePort(), freePort()]);
  const env = {
    MXDESK_DATA_DIR: dataDir,
    MXDESK_SMTP_HOST: '127.0.0.1',
    MXDESK_HTTP_HOST: '127.0.0.1',
    MXDESK_SMTP_PORT: String(smtpPort),
    MXDESK_HTTP_PORT: String(httpPort),
    MXDESK_HOSTNAME: 'mx.support.test',
    MXDESK_DOMAINS: 'support.test',
    MXDESK_ADMIN_EMAIL: 'admin@support.test',
    MXDESK_DNS_SERVERS: `127.0.0.1:${deadDns}`,
    MXDESK_DNS_TIMEOUT_MS: '200',
    ...overrides,
  };
  return { env, smtpPort, httpPort };
}

/** node's arguments in `npm start` (package.json): the compiled process runs with the flags it ships with. */
export function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node`);
  return args;
}
