import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/store/db.js';
import type { Message } from '../../src/desk/types.js';
import { mail, startTestApp, type TestApp } from '../helpers/app.js';
import { messageByMessageId } from '../../src/store/tickets.js';
import { sendMail } from '../helpers/smtp-client.js';
import { fillDisk, smallDisk } from './mount.js';

const disk = smallDisk(8);
if (disk.dir === null) console.log(`disk-full tests skipped: cannot mount a tmpfs (${disk.reason})`);

/** A message large enough that no space left over by the filler can hold it. */
const bigMail = (messageId: string) => mail({ subject: 'while the disk is full', messageId, body: 'lorem ipsum dolor sit amet\r\n'.repeat(8000) });
const send = (app: TestApp, message: string) => sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message });

describe.skipIf(!disk.dir)('a full disk: 452 4.3.1, nothing corrupted, mail accepted again once there is room', () => {
  let app: TestApp;
  const dataDir = disk.dir ? path.join(disk.dir, 'data') : '';
  const filler = disk.dir ? path.join(disk.dir, 'filler') : '';

  beforeAll(async () => {
    app = await startTestApp({ dataDir });
  });
  afterAll(async () => {
    await app?.close();
    if (disk.dir !== null) disk.unmount();
  });

  it('answers 452 while the disk is full and 250 after the filler is deleted, without a restart', async () => {
    const before = await send(app, mail({ messageId: '<before@example.com>' }));
    expect(before.code).toBe(250);
    await app.ingestor.idle();

    const filled = fillDisk(filler);
    const refused = [];
    for (let i = 0; i < 3; i++) refused.push(await send(app, bigMail(`<full.${i}@example.com>`)));
    console.log(`disk-full: filler ${(filled / 1e6).toFixed(1)} MB; replies while full: ${refused.map((r) => r.raw.trim()).join(' | ')}`);
    for (const r of refused) {
      expect(r.code).toBe(452);
      expect(r.text).toMatch(/^4\.3\.1 /);
    }

    rmSync(filler);
    const after = await send(app, bigMail('<after@example.com>'));
    expect(after.code, after.raw).toBe(250);
    const small = await send(app, mail({ messageId: '<after.small@example.com>' }));
    expect(small.code).toBe(250);
    await app.ingestor.idle();
    for (const id of ['<before@example.com>', '<after@example.com>', '<after.small@example.com>']) {
      expect(await messageByMessageId(app.db, id), id).toBeTruthy();
    }
    // Through the API too: the store serves reads after its reopen.
    const list = await app.api('/api/v1/tickets?limit=50');
    expect(list.status).toBe(200);
  });

  it('leaves a store that opens cleanly with every accepted mail once and no refused one', async () => {
    await app.close();
    const db = new Db(dataDir);
    await db.open();
    try {
      const inbound = (await db.values<Message>(db.sub.msg)).filter((m) => m.direction === 'in').map((m) => m.messageId).sort();
      expect(inbound).toEqual(['<after.small@example.com>', '<after@example.com>', '<before@example.com>']);
      expect(await db.keys(db.sub.spool)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
