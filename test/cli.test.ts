import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestApp, tempDir, mail, ADMIN, login, json } from './helpers/app.js';
import { sendMail } from './helpers/smtp-client.js';
import { startRelay, waitFor } from './outbound/relays.js';
import { addFromAddress } from './outbound/fixtures.js';
import { runCli } from '../src/cli/main.js';

const root = path.resolve(import.meta.dirname, '..');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** For commands that call an app running in this process: spawnSync would block its event loop. */
function cliAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A command run in this process with these MXDESK_* variables, its output captured. */
async function run(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const saved = Object.keys(process.env).filter((k) => k.startsWith('MXDESK_'));
  const before = Object.fromEntries(saved.map((k) => [k, process.env[k]]));
  for (const k of saved) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, before);
  }
}

describe('mxdesk command line', () => {
  it('explains itself and uses exit codes: 0 done, 1 failed, 2 wrong usage', { timeout: 60_000 }, async () => {
    // The binary itself, for the exit codes a shell sees.
    expect(cli([]).code).toBe(2);
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['backup', 'verify', 'restore', 'export', 'import', 'user add', 'user passwd', 'user role', 'token create', 'dns-check', 'send-test']) expect(help.out).toContain(`  ${c} `);
    const unknown = cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command "frobnicate"/);
    // Every command in-process: the same dispatcher, without a process start each.
    for (const c of [['backup'], ['verify'], ['restore'], ['export'], ['import'], ['user', 'add'], ['user', 'passwd'], ['user', 'role'], ['token', 'create'], ['send-test'], ['dns-check']]) {
      const r = await run([...c, '--help']);
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.out, c.join(' ')).toMatch(/^usage: mxdesk /);
    }
    expect((await run(['verify'])).code).toBe(2);
    expect((await run(['verify', '--bogus', 'x'])).code).toBe(2);
    const bad = await run(['verify', path.join(root, 'package.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not an mxdesk backup/);
    const noName = await run(['user', 'add', 'bob@support.test']);
    expect(noName.code).toBe(2);
    expect(noName.err).toMatch(/needs --name/);
    expect((await run(['user', 'add', 'bob@support.test', '--name', 'Bob', '--password', 'short'])).err).toMatch(/at least 10 characters/);
    expect((await run(['user', 'role', 'bob@support.test', 'superuser'])).code).toBe(2);
    expect((await run(['token', 'create', 'bob@support.test'])).code).toBe(2);
    expect((await run(['export', 'x.mbox', '--ticket', 'seven'])).code).toBe(2);
    expect((await run(['send-test', 'not-an-address'])).code).toBe(2);
  });

  // Several starts of the binary: slow on a loaded machine, hence the long timeout.
  it('backs up a stopped store, refuses while it runs, restores into an empty dir, resets a password', { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const work = tempDir();
    const env = { MXDESK_DATA_DIR: dataDir, MXDESK_DOMAINS: 'support.test', MXDESK_ADMIN_EMAIL: ADMIN.email, MXDESK_ADMIN_PASSWORD: ADMIN.password };
    const app = await startTestApp({ dataDir });
    expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'keep me' }) })).code).toBe(250);
    await app.ingestor.idle();
    const busy = cli(['backup', path.join(work, 'b.mxb')], env);
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/in use by a running mxdesk/);
    await app.stop();

    const file = path.join(work, 'b.mxb');
    const backup = cli(['backup', file], env);
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toMatch(/1 tickets/);
    const verify = cli(['verify', file], env);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/backup OK/);

    const target = tempDir();
    const restore = cli(['restore', file], { ...env, MXDESK_DATA_DIR: target });
    expect(restore.code, restore.err).toBe(0);
    expect(cli(['restore', file], { ...env, MXDESK_DATA_DIR: target }).code).toBe(1);

    const passwd = cli(['user', 'passwd', ADMIN.email, '--password', 'a new long password'], { ...env, MXDESK_DATA_DIR: target });
    expect(passwd.code, passwd.err).toBe(0);
    const restored = await startTestApp({ dataDir: target, login: false });
    await expect(login(`http://127.0.0.1:${restored.httpPort}`, ADMIN.email, ADMIN.password)).rejects.toThrow(/401/);
    await expect(login(`http://127.0.0.1:${restored.httpPort}`, ADMIN.email, 'a new long password')).resolves.toBeTruthy();
    await restored.stop();
    for (const d of [dataDir, work, target]) rmSync(d, { recursive: true, force: true });
  });

  it('works on a running appliance through its API with a token, and on the stopped store directly', { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const work = tempDir();
    const relay = await startRelay('plain');
    const env = { MXDESK_DATA_DIR: dataDir, MXDESK_DOMAINS: 'support.test', MXDESK_ADMIN_EMAIL: ADMIN.email, MXDESK_ADMIN_PASSWORD: ADMIN.password };
    const app = await startTestApp({ dataDir });
    try {
      await addFromAddress(app, relay);
      expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: 'keep me' }) })).code).toBe(250);
      await app.ingestor.idle();
      const { token } = await json(app.api('/api/v1/tokens', { method: 'POST', json: { name: 'cli' } }));
      const url = `http://127.0.0.1:${app.httpPort}`;
      // Child processes for what tries the store first: they meet the running app's lock as
      // a separate mxdesk would (inside this process LevelDB would answer differently).
      const [noUrl, mint, backup] = await Promise.all([
        cliAsync(['user', 'role', ADMIN.email, 'agent'], env),
        cliAsync(['token', 'create', ADMIN.email, '--name', 'ci'], { ...env, MXDESK_URL: url, MXDESK_TOKEN: token }),
        cliAsync(['backup', path.join(work, 'live.mxb')], { ...env, MXDESK_URL: url, MXDESK_TOKEN: token }),
      ]);
      expect(noUrl.code).toBe(1);
      expect(noUrl.err).toMatch(/in use by a running mxdesk.*give --url and --token/);
      expect(mint.code).toBe(1);
      expect(mint.err).toMatch(/in the panel/);
      expect(backup.code, backup.err).toBe(0);
      expect(backup.out).toMatch(/1 tickets/);
      // In this process, --url goes straight to the API without touching the store.
      const remote = ['--url', url, '--token', token];

      const added = await run(['user', 'add', 'bob@support.test', '--name', 'Bob', '--role', 'agent', ...remote]);
      expect(added.code, added.err).toBe(0);
      expect(added.out).toMatch(/password: \S{10,}/);
      expect((await run(['user', 'role', 'bob@support.test', 'basic', ...remote])).code).toBe(0);
      const users = (await json(app.api('/api/v1/users'))).items;
      expect(users.find((u: any) => u.email === 'bob@support.test')).toMatchObject({ role: 'basic', active: true });
      expect((await run(['user', 'add', 'bob@support.test', '--name', 'Bob', ...remote])).err).toMatch(/409: .*exists already/);

      const exported = path.join(work, 'all.mbox');
      expect((await run(['export', exported, ...remote])).code).toBe(0);
      expect(readFileSync(exported, 'latin1')).toMatch(/^From alice@example\.com /);
      const eml = path.join(work, 'one.eml');
      writeFileSync(eml, mail({ subject: 'from an old mailbox' }));
      const imported = await run(['import', eml, ...remote]);
      expect(imported.code, imported.err).toBe(0);
      expect(imported.out).toMatch(/imported 1 messages/);
      expect(imported.err).toMatch(/100%/);
      expect((await json(app.api('/api/v1/tickets'))).items.map((t: any) => t.subject)).toContain('from an old mailbox');

      const test = await run(['send-test', ADMIN.email, ...remote]);
      expect(test.code, test.err).toBe(0);
      expect(test.out).toMatch(/A test mail to admin@example\.com was accepted/);
      await waitFor(async () => relay.received.some((r) => r.raw.includes('mxdesk: test mail')), 'the test mail at the relay');
    } finally {
      await app.stop();
    }

    const mint = await run(['token', 'create', ADMIN.email, '--name', 'ci'], env);
    expect(mint.code, mint.err).toBe(0);
    expect(mint.out).toMatch(/^mxd_\S+\n$/);
    const role = await run(['user', 'role', 'bob@support.test', 'agent'], env);
    expect(role.code, role.err).toBe(0);
    const offline = await run(['import', path.join(work, 'all.mbox')], env);
    expect(offline.code, offline.err).toBe(0);
    // Already there: the same Message-IDs are skipped, no ticket is added.
    const restarted = await startTestApp({ dataDir });
    try {
      const res = await fetch(`http://127.0.0.1:${restarted.httpPort}/api/v1/tickets`, { headers: { authorization: `Bearer ${mint.out.trim()}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).items).toHaveLength(2);
    } finally {
      await restarted.stop();
      await relay.close();
      for (const d of [dataDir, work]) rmSync(d, { recursive: true, force: true });
    }
  });
});
