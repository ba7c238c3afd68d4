#!/usr/bin/env node
// Docker cannot run on the build machines, so this check performs the Dockerfile's own
// steps without it, in a clean temporary directory: it reads the Dockerfile, runs the
// build stage's COPY and RUN lines (npm ci, build, prune), assembles the runtime stage from
// its COPY --from=build lines, starts its CMD with its ENV on a fresh data dir, runs its
// HEALTHCHECK, sends one mail and finds one ticket. If the Dockerfile changes, this check
// follows it. Only the runtime stage's system RUN lines (apt, setcap, useradd) are skipped:
// they need the base image. Usage: node docker/recipe-check.mjs
import { execSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const lines = readFileSync(path.join(repo, 'Dockerfile'), 'utf8').replace(/\\\r?\n/g, ' ').split(/\r?\n/);
const stages = [];
for (const raw of lines) {
  const line = raw.trim();
  if (!line || line.startsWith('#')) continue;
  const [op, ...rest] = line.split(/\s+/);
  const arg = rest.join(' ');
  if (op.toUpperCase() === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(arg)?.[1] ?? `stage${stages.length}`, steps: [] });
  else stages.at(-1).steps.push({ op: op.toUpperCase(), arg });
}
const [build, runtime] = [stages[0], stages.at(-1)];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mxdesk-recipe-'));
const buildDir = path.join(tmp, 'build');
const appDir = path.join(tmp, 'app');
mkdirSync(buildDir);
mkdirSync(appDir);
const log = (s) => process.stdout.write(`recipe-check: ${s}\n`);
let child;
let failed = false;

function run(cmd, cwd, env = {}) {
  log(`RUN ${cmd}`);
  execSync(cmd, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

async function smtpSend(port, lines) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const replies = [];
  const waiters = [];
  socket.on('data', (d) => {
    buffer += d;
    let m;
    while ((m = /^(\d{3}) [^\r\n]*\r\n/m.exec(buffer))) {
      const end = m.index + m[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      (waiters.shift() ?? ((r) => replies.push(r)))(reply);
    }
  });
  const read = () => (replies.length ? Promise.resolve(replies.shift()) : new Promise((r) => waiters.push(r)));
  const out = [await read()];
  for (const l of lines) {
    socket.write(l + '\r\n');
    out.push(await read());
  }
  socket.end();
  return out;
}

try {
  // Build stage.
  for (const { op, arg } of build.steps) {
    if (op === 'COPY') {
      const parts = arg.split(/\s+/).filter((p) => !p.startsWith('--'));
      const dest = path.join(buildDir, parts.pop());
      for (const src of parts) {
        if (!existsSync(path.join(repo, src)) && !src.includes('*')) throw new Error(`COPY ${src}: not in the repository`);
        for (const s of src.includes('*') ? execSync(`ls -d ${src}`, { cwd: repo, encoding: 'utf8' }).trim().split(/\s+/) : [src]) {
          const target = parts.length > 1 || dest.endsWith('/') || s.includes('*') ? path.join(dest, path.basename(s)) : dest.endsWith('.') ? path.join(dest, path.basename(s)) : dest;
          cpSync(path.join(repo, s), target, { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes(`${path.sep}dist`) });
        }
      }
    } else if (op === 'RUN') run(arg, buildDir);
    else if (op === 'WORKDIR' || op === 'ENV' || op === 'ARG') continue;
  }
  // Runtime stage.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  let cmd = null;
  let healthcheck = null;
  for (const { op, arg } of runtime.steps) {
    if (op === 'ENV') for (const m of arg.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
    else if (op === 'COPY' && /--from=/.test(arg)) {
      const [src, dest] = arg.split(/\s+/).filter((p) => !p.startsWith('--'));
      const from = path.join(buildDir, src.replace(/^\/app\/?/, ''));
      const to = dest.endsWith('/') ? path.join(appDir, dest, path.basename(from)) : path.join(appDir, dest);
      cpSync(from, to, { recursive: true });
    } else if (op === 'CMD') cmd = JSON.parse(arg);
    else if (op === 'HEALTHCHECK') healthcheck = /CMD\s+(.*)$/.exec(arg)[1];
    else if (op === 'RUN') log(`skip runtime system step: ${arg.slice(0, 60)}…`);
  }
  if (!cmd) throw new Error('the runtime stage has no CMD');
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  Object.assign(env, {
    MXDESK_DATA_DIR: path.join(tmp, 'data'),
    MXDESK_SMTP_PORT: String(smtpPort),
    MXDESK_HTTP_PORT: String(httpPort),
    MXDESK_DOMAINS: 'support.test',
    MXDESK_ADMIN_EMAIL: 'admin@support.test',
    MXDESK_ADMIN_PASSWORD: 'recipe check password',
    MXDESK_DNS_SERVERS: '127.0.0.1:9', // nothing answers: verdicts become temperror, mail still flows
    MXDESK_DNS_TIMEOUT_MS: '300',
  });
  log(`CMD ${cmd.join(' ')} (smtp ${smtpPort}, http ${httpPort})`);
  child = spawn(cmd[0], cmd.slice(1), { cwd: appDir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      execSync(healthcheck.replace(/^node /, `${process.execPath} `), { env, stdio: 'ignore', cwd: appDir });
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`HEALTHCHECK never passed; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  log('HEALTHCHECK passed');
  const replies = await smtpSend(smtpPort, [
    'EHLO recipe.example.com',
    'MAIL FROM:<alice@example.com>',
    'RCPT TO:<support@support.test>',
    'DATA',
    'From: Alice <alice@example.com>\r\nTo: support@support.test\r\nSubject: recipe check\r\nMessage-ID: <recipe-check@example.com>\r\n\r\nOne mail in.\r\n.',
    'QUIT',
  ]);
  if (!replies[5].startsWith('250')) throw new Error(`mail refused: ${replies.join('')}`);
  log(`one mail in: ${replies[5].trim()}`);
  const base = `http://127.0.0.1:${httpPort}`;
  const loginRes = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: env.MXDESK_ADMIN_EMAIL, password: env.MXDESK_ADMIN_PASSWORD }) });
  if (!loginRes.ok) throw new Error(`login failed: ${loginRes.status}`);
  const cookie = loginRes.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  let ticket = null;
  for (let i = 0; i < 50 && !ticket; i++) {
    const list = await (await fetch(`${base}/api/v1/tickets`, { headers: { cookie } })).json();
    ticket = list.items.find((t) => t.subject === 'recipe check');
    if (!ticket) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ticket) throw new Error('no ticket for the mail');
  log(`one ticket out: #${ticket.number} "${ticket.subject}"`);
  const panel = await fetch(`${base}/`);
  log(`panel: GET / → ${panel.status}`);
  if (!panel.ok) throw new Error('the panel is not served');
  const stopped = new Promise((r) => child.once('exit', r));
  const t0 = Date.now();
  child.kill('SIGTERM');
  const code = await stopped;
  log(`SIGTERM → exit ${code} in ${Date.now() - t0} ms`);
  if (code !== 0) throw new Error(`graceful stop exited ${code}`);
  child = null;
  log('OK');
} catch (err) {
  failed = true;
  process.stderr.write(`recipe-check: FAILED: ${err.message}\n`);
} finally {
  if (child) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}
