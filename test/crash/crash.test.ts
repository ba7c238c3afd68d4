import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/store/db.js';
import type { Message } from '../../src/desk/types.js';
import { SmtpClient } from '../helpers/smtp-client.js';
import { mail, tempDir } from '../helpers/app.js';
import { startProcess, type Running, processEnv } from '../helpers/process.js';

const ROUNDS = 3;
const SESSIONS = 6;
/** Accepted messages per round before the kill: enough that sessions are mid-transaction. */
const KILL_AFTER = 25;

/**
 * Sessions that send mail after mail until the connection dies. Each message's Message-ID
 * is recorded once the MX answered 250 to its DATA.
 */
function sendUntilKilled(port: number, round: number, accepted: string[], onAccepted: () => void): Promise<void>[] {
  return Array.from({ length: SESSIONS }, async (_, s) => {
    let connection: SmtpClient;
    try {
      connection = (await SmtpClient.connect(port)).client;
      await connection.send('EHLO crash.example.net');
    } catch {
      return;
    }
    for (let i = 0; ; i++) {
      const messageId = `<crash.${round}.${s}.${i}@example.com>`;
      const from = await connection.send('MAIL FROM:<alice@example.com>');
      if (from.code !== 250) return;
      if ((await connection.send('RCPT TO:<support@support.test>')).code !== 250) return;
      // A body of some size, so that a kill can land in the middle of DATA.
      const reply = await connection.data(mail({ subject: `crash ${round}.${s}.${i}`, messageId, body: 'lorem ipsum '.repeat(2000) }));
      if (reply.code !== 250) return;
      accepted.push(messageId);
      onAccepted();
    }
  });
}

describe('a crash at any moment loses no accepted mail and tickets none twice', () => {
  const dataDir = tempDir('mxdesk-crash-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`survives ${ROUNDS} SIGKILLs while mail is being accepted`, async () => {
    const { env, smtpPort } = await processEnv(dataDir, { MXDESK_ADMIN_PASSWORD: 'crash test password', MXDESK_DNS_TIMEOUT_MS: '200', MXDESK_LOG_LEVEL: 'info' });
    const accepted: string[] = [];
    let replayed = 0;
    const countReplay = (r: Running) => {
      replayed += Number(/"count":(\d+)[^\n]*spool: ticketing/.exec(r.output())?.[1] ?? 0);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const running = await startProcess(env);
      countReplay(running);
      let count = 0;
      const sessions = sendUntilKilled(smtpPort, round, accepted, () => {
        if (++count === KILL_AFTER) running.child.kill('SIGKILL');
      });
      await Promise.all(sessions);
      expect(await running.exited).toBe(null);
      expect(count, running.output()).toBeGreaterThanOrEqual(KILL_AFTER);
    }

    // A last start replays what the last kill left in the spool; SIGTERM then stops it cleanly.
    const last = await startProcess(env);
    countReplay(last);
    last.child.kill('SIGTERM');
    expect(await last.exited, last.output()).toBe(0);

    const db = new Db(dataDir);
    await db.open();
    try {
      expect(await db.keys(db.sub.spool)).toEqual([]);
      const inbound = (await db.values<Message>(db.sub.msg)).filter((m) => m.direction === 'in');
      const copies = new Map<string, number[]>();
      for (const m of inbound) copies.set(m.messageId, [...(copies.get(m.messageId) ?? []), m.ticketNumber]);
      const lost = accepted.filter((id) => !copies.has(id));
      const twice = [...copies].filter(([, tickets]) => tickets.length > 1).map(([id, t]) => `${id} in ${t.join(', ')}`);
      expect(lost).toEqual([]);
      expect(twice).toEqual([]);
      // Every accepted mail opened its own ticket: one ticket per Message-ID.
      expect(new Set(accepted.map((id) => copies.get(id)![0])).size).toBe(accepted.length);
      // What the kills left: mail made durable whose 250 never reached the client, and
      // spool entries ticketed only by the next start.
      console.log(`crash: ${accepted.length} mails got 250, ${inbound.length} ticketed, ${replayed} replayed from the spool after a kill`);
    } finally {
      await db.close();
    }
  }, 120_000);
});
