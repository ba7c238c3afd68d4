import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseJsonc } from '../src/config/load.js';
import { SETTINGS, ConfigError } from '../src/config/settings.js';
import { startApp } from '../src/app/app.js';
import { createLogger } from '../src/log.js';
import { fixedResolver } from '../src/verdict/resolver.js';
import { listDepartments, listSupportAddresses, listUsers } from '../src/store/directory.js';
import { ADMIN, DEFAULT_DNS, login, startTestApp, tempDir, testConfig } from './helpers/app.js';
import { SmtpClient } from './helpers/smtp-client.js';
import { freePort, startProcess } from './helpers/process.js';
import { generate } from 'selfsigned';

const repoRoot = path.resolve(import.meta.dirname, '..');
const shippedFile = path.join(repoRoot, 'config/mxdesk.jsonc');

/** Dotted keys of a parsed config file, descending into sections. */
function keysOf(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder removed after the tests. */
function scratch(): string {
  const dir = tempDir('mxdesk-config-');
  made.push(dir);
  return dir;
}

function configFile(content: unknown): string {
  const dir = scratch();
  const file = path.join(dir, 'mxdesk.jsonc');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('process configuration', () => {
  it('runs on built-in defaults without a file or variables', () => {
    const cwd = scratch();
    const c = loadConfig({}, cwd);
    expect(c).toMatchObject({
      dataDir: path.join(cwd, 'data'),
      hostname: 'localhost',
      domains: ['localhost'],
      smtp: { port: 2525, maxMessageBytes: 25 * 1024 * 1024, maxRecipients: 100 },
      http: { port: 8080 },
      tls: { cert: '', key: '' },
      dns: { servers: [], timeoutMs: 5000 },
      admin: { email: 'admin@localhost', password: '' },
      dmarc: { rejectAction: 'reject' },
    });
  });

  it('ships a file whose values are the defaults, with exactly the keys of the settings table', () => {
    const text = readFileSync(shippedFile, 'utf8');
    const parsed = parseJsonc(text, shippedFile) as Record<string, unknown>;
    expect(keysOf(parsed).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
    // Every variable is documented beside its key.
    for (const s of SETTINGS) expect(text, s.env).toContain(s.env);
    const cwd = scratch();
    expect(loadConfig({ MXDESK_CONFIG: shippedFile }, cwd)).toEqual(loadConfig({}, cwd));
  });

  it('takes the file over the defaults and the environment over the file', () => {
    const file = configFile({ smtp: { port: 2600, maxRecipients: 50 }, domains: ['a.test', 'b.test'] });
    expect(loadConfig({ MXDESK_CONFIG: file }).smtp).toMatchObject({ port: 2600, maxRecipients: 50 });
    const c = loadConfig({ MXDESK_CONFIG: file, MXDESK_SMTP_PORT: '2700', MXDESK_DOMAINS: 'c.test, D.test' });
    expect(c.smtp).toMatchObject({ port: 2700, maxRecipients: 50 });
    expect(c.domains).toEqual(['c.test', 'd.test']);
    expect(c.admin.email).toBe('admin@c.test');
  });

  it('refuses a bad value from a variable, naming the variable and its key', () => {
    const e = refusal(() => loadConfig({ MXDESK_SMTP_PORT: 'twenty-five' }, scratch()));
    expect(e.message).toContain('MXDESK_SMTP_PORT');
    expect(e.message).toContain('smtp.port');
    expect(e.message).toContain('twenty-five');
    expect(refusal(() => loadConfig({ MXDESK_DMARC_REJECT_ACTION: 'drop' }, scratch())).message).toMatch(/MXDESK_DMARC_REJECT_ACTION.*reject, quarantine, accept/);
    expect(refusal(() => loadConfig({ MXDESK_DOMAINS: 'ok.test,not a domain' }, scratch())).message).toContain('MXDESK_DOMAINS');
    expect(refusal(() => loadConfig({ MXDESK_DNS_SERVERS: '1.1.1.1,bad server' }, scratch())).message).toContain('MXDESK_DNS_SERVERS');
  });

  it('refuses a bad value from the file, naming the key', () => {
    const e = refusal(() => loadConfig({ MXDESK_CONFIG: configFile({ smtp: { maxRecipients: 0 } }) }));
    expect(e.key).toBe('smtp.maxRecipients');
    expect(e.message).toMatch(/from 1 to 10000/);
  });

  it('refuses an unknown key in the file and an unknown MXDESK_ variable, naming them', () => {
    expect(refusal(() => loadConfig({ MXDESK_CONFIG: configFile({ smtp: { prot: 25 } }) })).message).toContain('smtp.prot');
    expect(refusal(() => loadConfig({ MXDESK_CONFIG: configFile({ colour: 'blue' }) })).message).toContain('colour');
    expect(refusal(() => loadConfig({ MXDESK_SMTP_PROT: '25' }, scratch())).message).toContain('MXDESK_SMTP_PROT');
    expect(refusal(() => loadConfig({ MXDESK_CONFIG: configFile('{ "smtp": { "port": 25, } }') })).message).toMatch(/not valid JSON/);
    expect(refusal(() => loadConfig({ MXDESK_CONFIG: '/nonexistent/mxdesk.jsonc' })).message).toContain('MXDESK_CONFIG');
  });

  it('refuses a TLS certificate without its key, and a key without its certificate', () => {
    expect(refusal(() => loadConfig({ MXDESK_TLS_CERT: '/etc/cert.pem' }, scratch())).message).toContain('tls.key');
    expect(refusal(() => loadConfig({ MXDESK_TLS_KEY: '/etc/key.pem' }, scratch())).message).toContain('tls.cert');
  });

  it('stops the process with a message naming the bad variable', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, MXDESK_DATA_DIR: scratch(), MXDESK_SMTP_PORT: '99999' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/MXDESK_SMTP_PORT \(smtp\.port\).*65535/);
  });
});

describe('first start', () => {
  it('creates the support address, a department and the admin with a generated password, once', async () => {
    const dataDir = tempDir();
    const config = testConfig({ MXDESK_ADMIN_PASSWORD: '', MXDESK_ADMIN_EMAIL: '' }, dataDir);
    const start = () => startApp(config, { resolver: fixedResolver(DEFAULT_DNS), log: createLogger('silent') });
    try {
      const app = await start();
      expect(app.firstStart.created).toBe(true);
      expect(app.firstStart.adminEmail).toBe('admin@support.test');
      const password = app.firstStart.generatedPassword!;
      expect(password.length).toBeGreaterThanOrEqual(16);
      const [address, ...more] = await listSupportAddresses(app.db);
      expect(more).toEqual([]);
      const departments = await listDepartments(app.db);
      expect(departments).toHaveLength(1);
      expect(address).toMatchObject({ address: 'support@support.test', intake: true, isDefault: true, departmentId: departments[0]!.id });
      const users = await listUsers(app.db);
      expect(users).toMatchObject([{ email: 'admin@support.test', role: 'admin', active: true }]);
      // Never kept in clear.
      expect(JSON.stringify(users)).not.toContain(password);
      const base = `http://127.0.0.1:${app.httpPort}`;
      const me = await (await login(base, 'admin@support.test', password))('/api/v1/auth/me');
      expect(((await me.json()) as any).user.role).toBe('admin');
      await app.stop();

      const again = await start();
      expect(again.firstStart.created).toBe(false);
      expect(again.firstStart.generatedPassword).toBeUndefined();
      expect(await listSupportAddresses(again.db)).toHaveLength(1);
      expect(await listDepartments(again.db)).toHaveLength(1);
      expect(await listUsers(again.db)).toHaveLength(1);
      await login(`http://127.0.0.1:${again.httpPort}`, 'admin@support.test', password);
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('uses MXDESK_ADMIN_PASSWORD when given and generates nothing', async () => {
    const config = testConfig();
    const app = await startApp(config, { resolver: fixedResolver(DEFAULT_DNS), log: createLogger('silent') });
    try {
      expect(app.firstStart).toMatchObject({ created: true, adminEmail: ADMIN.email });
      expect(app.firstStart.generatedPassword).toBeUndefined();
      await login(`http://127.0.0.1:${app.httpPort}`, ADMIN.email, ADMIN.password);
    } finally {
      await app.stop();
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });
});

describe('settings take effect on the MX', () => {
  it('uses the configured certificate for STARTTLS', async () => {
    const dir = scratch();
    const pems = await generate([{ name: 'commonName', value: 'mail.configured.test' }], { keySize: 2048, algorithm: 'sha256' } as any);
    writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
    writeFileSync(path.join(dir, 'key.pem'), pems.private);
    const app = await startTestApp({ env: { MXDESK_TLS_CERT: path.join(dir, 'cert.pem'), MXDESK_TLS_KEY: path.join(dir, 'key.pem') } });
    try {
      const { client } = await SmtpClient.connect(app.smtpPort);
      await client.send('EHLO client.example.net');
      expect((await client.startTls()).code).toBe(220);
      expect(client.peerCertificate()?.subject.CN).toBe('mail.configured.test');
      await client.quit();
    } finally {
      await app.close();
    }
  });

  it('refuses certificate files it cannot read, naming the setting', () => {
    const e = refusal(() => loadConfig({ MXDESK_TLS_CERT: '/nonexistent/cert.pem', MXDESK_TLS_KEY: '/nonexistent/key.pem' }, scratch()));
    expect(e.message).toMatch(/MXDESK_TLS_CERT \(tls\.cert\).*ENOENT/);
  });

  it('closes an idle session with 421 after the socket timeout, and limits connections in total', async () => {
    const app = await startTestApp({ env: { MXDESK_SMTP_SOCKET_TIMEOUT_MS: '1000', MXDESK_SMTP_MAX_CONNECTIONS: '2' } });
    try {
      const { client: idle, greeting } = await SmtpClient.connect(app.smtpPort);
      expect(greeting.code).toBe(220);
      const { client: second } = await SmtpClient.connect(app.smtpPort);
      const { client: third, greeting: refused } = await SmtpClient.connect(app.smtpPort);
      expect(refused.code).toBe(421);
      third.destroy();
      await second.quit();
      // Say nothing: the MX hangs up with 421 (RFC 5321 §4.5.3.2).
      const timeout = await idle.read();
      expect(timeout.code).toBe(421);
      idle.destroy();
    } finally {
      await app.close();
    }
  });
});

describe('first start of the real process', () => {
  it('prints a generated admin password once, and it logs in', async () => {
    const dataDir = scratch();
    const [smtpPort, httpPort] = await Promise.all([freePort(), freePort()]);
    const env = {
      MXDESK_DATA_DIR: dataDir,
      MXDESK_SMTP_HOST: '127.0.0.1',
      MXDESK_HTTP_HOST: '127.0.0.1',
      MXDESK_SMTP_PORT: String(smtpPort),
      MXDESK_HTTP_PORT: String(httpPort),
      MXDESK_DOMAINS: 'first.test',
      MXDESK_LOG_LEVEL: 'silent',
    };
    const first = await startProcess(env);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const password = /admin password:\s+(\S+)/.exec(first.output())?.[1];
    expect(first.output()).toContain('support address: support@first.test');
    expect(first.output()).toContain('admin login:     admin@first.test');
    expect(password).toBeTruthy();

    const second = await startProcess(env);
    try {
      expect(second.output()).not.toContain('admin password');
      await login(`http://127.0.0.1:${httpPort}`, 'admin@first.test', password!);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 90_000); // starts the real process twice through tsx: slow on a loaded 2-core machine
});
