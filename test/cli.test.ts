import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestApp, tempDir, mail, ADMIN, login } from './helpers/app.js';
import { sendMail } from './helpers/smtp-client.js';

const root = path.resolve(import.meta.dirname, '..');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('mxdesk command line', () => {
  it('explains itself and uses exit codes: 0 done, 1 failed, 2 wrong usage', () => {
    expect(cli([]).code).toBe(2);
    expect(cli(['--help']).code).toBe(0);
    expect(cli(['--help']).out).toMatch(/backup <file>/);
    const unknown = cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command "frobnicate"/);
    for (const c of [['backup'], ['verify'], ['restore'], ['user', 'passwd']]) {
      const help = cli([...c, '--help']);
      expect(help.code, c.join(' ')).toBe(0);
      expect(help.out, c.join(' ')).toMatch(/^usage: mxdesk /);
    }
    expect(cli(['verify']).code).toBe(2);
    expect(cli(['verify', '--bogus', 'x']).code).toBe(2);
    const bad = cli(['verify', path.join(root, 'package.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not an mxdesk backup/);
  });

  it('backs up a stopped store, refuses while it runs, restores into an empty dir, resets a password', async () => {
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
});
