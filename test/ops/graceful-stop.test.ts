import net from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/store/db.js';
import type { FullTicket } from '../../src/desk/types.js';
import { SmtpClient } from '../helpers/smtp-client.js';
import { login, mail, tempDir } from '../helpers/app.js';
import { processEnv, startProcess } from '../helpers/process.js';

// `docker stop` sends SIGTERM and kills 10 s later (compose: stop_grace_period 10s). The real
// process, with a sender in the middle of DATA, another one idle between commands and a
// panel holding the live events stream open, must stop taking connections at once, let the
// transfer finish with a 250, say 421 to the idle one (RFC 5321 §3.8), ticket what it took
// and close the store: exit code 0 within the 10 s.

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });

describe('graceful stop of the real process on SIGTERM', () => {
  const dataDir = tempDir('mxdesk-stop-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finishes the transfer under way, refuses new sessions, tickets the mail and exits 0 within 10 s', async () => {
    const { env, smtpPort, httpPort } = await processEnv(dataDir, { MXDESK_ADMIN_PASSWORD: 'a long enough password', MXDESK_LOG_LEVEL: 'silent' });
    const running = await startProcess(env);

    // A panel with the live stream open.
    const api = await login(`http://127.0.0.1:${httpPort}`, 'admin@support.test', 'a long enough password');
    const events = await api('/api/v1/events');
    const stream = events.body!.getReader();
    await stream.read();

    const { client: idle } = await SmtpClient.connect(smtpPort);
    expect((await idle.send('EHLO idle.example.com')).code).toBe(250);
    const { client: busy } = await SmtpClient.connect(smtpPort);
    await busy.send('EHLO busy.example.com');
    await busy.send('MAIL FROM:<alice@example.com>');
    expect((await busy.send('RCPT TO:<support@support.test>')).code).toBe(250);
    expect((await busy.send('DATA')).code).toBe(354);
    const message = mail({ subject: 'Sent while the desk was stopping', body: 'x'.repeat(2000) }).replace(/^\./gm, '..');
    busy.write(message.slice(0, 600));

    const stoppedAt = Date.now();
    running.child.kill('SIGTERM');
    await expect.poll(() => refused(smtpPort), { timeout: 5000, interval: 50 }).toBe(true);
    busy.write(message.slice(600) + '\r\n.\r\n');
    const accepted = await busy.read();
    expect(accepted.code, accepted.raw).toBe(250);
    // Both sessions now sit idle (a sender keeping its connection for more mail): the server
    // ends them with "service not available, closing" (RFC 5321 §3.8) instead of waiting.
    expect((await idle.read()).code).toBe(421);
    expect((await busy.read()).code).toBe(421);

    expect(await running.exited, running.output()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    // The panel's stream was ended by the server, not left hanging.
    for (let r = await stream.read(); !r.done; r = await stream.read());

    // Flushed and closed: the store opens (no lock left), the mail is a ticket, the spool empty.
    const db = new Db(dataDir);
    await db.open();
    try {
      expect(await db.keys(db.sub.spool)).toEqual([]);
      const tickets = await db.values<FullTicket>(db.sub.ticket);
      expect(tickets.map((t) => t.subject)).toContain('Sent while the desk was stopping');
    } finally {
      await db.close();
    }
  }, 90_000);
});
