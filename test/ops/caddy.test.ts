import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, json, mail, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { freePort } from '../helpers/process.js';

// docker/compose.yml puts the panel behind Caddy, configured by docker/Caddyfile. Docker does
// not run here, but Debian's caddy does (.ci/run installs it): this runs the very Caddyfile in
// front of a running mxdesk, only the site address and the upstream given through the same
// environment variables the compose file sets, and uses the panel, the API, the live events
// stream and /healthz through it.

const root = path.resolve(import.meta.dirname, '../..');
const CADDYFILE = path.join(root, 'docker/Caddyfile');
const CADDY = process.env.MXDESK_CADDY ?? '/usr/bin/caddy';

describe('docker/compose.yml and its Caddyfile', () => {
  it('wires Caddy to mxdesk on loopback with the Caddyfile, and publishes only 25, 80 and 443', () => {
    const compose = parse(readFileSync(path.join(root, 'docker/compose.yml'), 'utf8'));
    const { mxdesk, caddy } = compose.services;
    expect(caddy.network_mode).toBe('service:mxdesk');
    expect(caddy.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
    // The upstream is the port the image's mxdesk listens on.
    const dockerfilePort = /MXDESK_HTTP_PORT=(\d+)/.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))![1];
    expect(caddy.environment.MXDESK_UPSTREAM).toBe(`127.0.0.1:${dockerfilePort}`);
    expect(mxdesk.ports.map((p: string) => p.split(':')[1])).toEqual(['25', '80', '443']);
    expect(mxdesk.stop_grace_period).toBe('10s');
  });

  it('asks for a certificate for the panel name and proxies to mxdesk, unbuffered (production settings)', () => {
    const adapted = spawnSync(CADDY, ['adapt', '--config', CADDYFILE, '--adapter', 'caddyfile'], { env: { PATH: process.env.PATH!, PANEL_HOSTNAME: 'desk.example.com', MXDESK_UPSTREAM: '127.0.0.1:8080' }, encoding: 'utf8' });
    expect(adapted.status, adapted.stderr).toBe(0);
    const config = JSON.parse(adapted.stdout);
    const server = Object.values<any>(config.apps.http.servers)[0];
    // A bare host name as the site address: Caddy serves it on 443 with an ACME certificate
    // and redirects port 80 (automatic HTTPS).
    expect(server.listen).toEqual([':443']);
    expect(server.routes[0].match).toEqual([{ host: ['desk.example.com'] }]);
    const proxy = JSON.stringify(server.routes[0].handle);
    expect(proxy).toContain('"handler":"reverse_proxy"');
    expect(proxy).toContain('"dial":"127.0.0.1:8080"');
    expect(proxy).toContain('"flush_interval":-1');
    expect(config.admin?.disabled ?? false).toBe(false);
  });
});

describe('the panel through the real Caddy', () => {
  let app: TestApp;
  let caddy: ChildProcess;
  let caddyLog = '';
  let proxy: string;
  const home = tempDir('mxdesk-caddy-');

  beforeAll(async () => {
    if (!existsSync(CADDY)) throw new Error(`${CADDY} is missing: install Debian's caddy (apt-get install caddy), as .ci/run does`);
    app = await startTestApp({ login: false });
    const port = await freePort();
    proxy = `http://127.0.0.1:${port}`;
    caddy = spawn(CADDY, ['run', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
      // http:// as the site address: no certificate to obtain offline; the admin endpoint off, so parallel runs do not share :2019.
      env: { PATH: process.env.PATH!, HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home, PANEL_HOSTNAME: proxy, MXDESK_UPSTREAM: `127.0.0.1:${app.httpPort}`, CADDY_ADMIN: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    caddy.stdout!.on('data', (d) => (caddyLog += d));
    caddy.stderr!.on('data', (d) => (caddyLog += d));
    for (let i = 0; ; i++) {
      if (caddy.exitCode !== null || i > 200) throw new Error(`caddy did not come up:\n${caddyLog}`);
      if (await fetch(`${proxy}/healthz`).then((r) => r.status === 200, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    if (caddy && caddy.exitCode === null) {
      // Caddy's graceful stop waits for open streams without end; the test is done with them.
      caddy.kill('SIGKILL');
      await new Promise((r) => caddy.once('exit', r));
    }
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('answers /healthz from mxdesk', async () => {
    const res = await fetch(`${proxy}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('server')).toBe('Caddy');
  });

  it('serves the panel on its own paths, with its security headers and scripts', async () => {
    for (const p of ['/', '/tickets/1', '/admin/domains']) {
      const res = await fetch(`${proxy}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      const script = /<script[^>]+src="([^"]+)"/.exec(html)![1]!;
      const js = await fetch(`${proxy}${script}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
    }
  });

  it('carries the API: login, a CSRF-checked change, a JSON 404', async () => {
    const res = await fetch(`${proxy}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrfToken } = await res.json();
    const me = await json(fetch(`${proxy}/api/v1/auth/me`, { headers: { cookie } }));
    expect(me.user.email).toBe(ADMIN.email);
    const refused = await fetch(`${proxy}/api/v1/tokens`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) });
    expect(refused.status).toBe(403);
    const made = await fetch(`${proxy}/api/v1/tokens`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'through caddy' }) });
    expect(made.status).toBe(201);
    const missing = await fetch(`${proxy}/api/v1/nothing-here`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });

  it('passes each live event to the browser at once, on a stream that stays open', async () => {
    const login = await fetch(`${proxy}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const res = await fetch(`${proxy}/api/v1/events`, { headers: { cookie, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const within = <T,>(ms: number, p: Promise<T>, what: string) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} not through the proxy within ${ms} ms`)), ms))]);
    let seen = '';
    // The greeting is a few bytes: a buffering proxy would sit on it (the stream never ends,
    // so the bounds below are generous for a loaded machine, yet far below "never").
    await within(10_000, (async () => { while (!seen.includes(': connected')) seen += (await reader.read()).value; })(), 'the greeting');
    for (const subject of ['First through the proxy', 'Second through the proxy']) {
      expect((await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject }) })).code).toBe(250);
      await within(10_000, (async () => { while (!/event: ticket\ndata: .*"new"/.test(seen)) seen += (await reader.read()).value; })(), `the event of "${subject}"`);
      seen = seen.slice(seen.lastIndexOf('event: ticket') + 1);
    }
    await reader.cancel();
  });

  it('replaces an X-Forwarded-For a client sends, so no one can pose as another address', async () => {
    // /metrics is open to loopback only; a forged outside address passed on would make mxdesk ask for a token.
    const res = await fetch(`${proxy}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('mxdesk_');
  });
});
