import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { writeBackupFile } from '../../src/backup/write.js';
import { restoreBackup, verifyBackup } from '../../src/backup/read.js';
import { gunzipSync, gzipSync } from 'node:zlib';

describe('backup, verify and restore', () => {
  let app: TestApp;
  const dir = tempDir('mxdesk-backup-');
  const file = path.join(dir, 'backup.mxb');

  beforeAll(async () => {
    app = await startTestApp();
    for (let i = 0; i < 3; i++) {
      const r = await sendMail(app.smtpPort, { from: 'alice@example.com', to: ['support@support.test'], message: mail({ subject: `before backup ${i}` }) });
      expect(r.code).toBe(250);
    }
    await app.ingestor.idle();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('snapshots a running store while mail keeps arriving, and restores it into an empty data dir', async () => {
    const during = sendMail(app.smtpPort, { from: 'bob@example.com', to: ['support@support.test'], message: mail({ from: 'bob@example.com', subject: 'during backup' }) });
    const summary = await writeBackupFile(app.db, app.dataDir, file, { hostname: app.config.hostname, version: 'test' });
    expect((await during).code).toBe(250);
    expect(summary.bySublevel.ticket).toBeGreaterThanOrEqual(3);
    expect(summary.files).toContain('secret.key');

    const verified = await verifyBackup(file);
    expect(verified.entries).toBe(summary.entries);
    expect(verified.bySublevel).toEqual(summary.bySublevel);

    const target = tempDir('mxdesk-restored-');
    await restoreBackup(file, target);
    expect(readFileSync(path.join(target, 'secret.key'))).toEqual(readFileSync(path.join(app.dataDir, 'secret.key')));
    const restored = await startTestApp({ dataDir: target });
    try {
      const list = await json(restored.api('/api/v1/tickets?q=before%20backup'));
      expect(list.items.map((t: any) => t.subject).sort()).toEqual(['before backup 0', 'before backup 1', 'before backup 2']);
      const ticket = await json(restored.api(`/api/v1/tickets/${list.items[0].number}`));
      const raw = await restored.api(`/api/v1/messages/${ticket.messages[0].id}/raw`);
      expect(raw.status).toBe(200);
      expect(await raw.text()).toContain(`Subject: ${list.items[0].subject}`);
      // The restored store takes new mail and keeps numbering after the restored tickets.
      const r = await sendMail(restored.smtpPort, { from: 'carol@example.com', to: ['support@support.test'], message: mail({ from: 'carol@example.com', subject: 'after restore' }) });
      expect(r.code).toBe(250);
      await restored.ingestor.idle();
      const after = await json(restored.api('/api/v1/tickets?q=after%20restore'));
      expect(after.items[0].number).toBeGreaterThan(Math.max(...list.items.map((t: any) => t.number)));
    } finally {
      await restored.close();
      rmSync(target, { recursive: true, force: true });
    }
  });

  it('refuses to restore over an existing store', async () => {
    await expect(restoreBackup(file, app.dataDir)).rejects.toThrow(/already holds a store/);
  });

  it('detects a damaged or truncated backup', async () => {
    const plain = gunzipSync(readFileSync(file));
    const flipped = Buffer.from(plain);
    flipped[Math.floor(flipped.length / 2)] ^= 0xff;
    const damaged = path.join(dir, 'damaged.mxb');
    writeFileSync(damaged, gzipSync(flipped));
    await expect(verifyBackup(damaged)).rejects.toThrow(/corrupt|checksum/);

    const truncated = path.join(dir, 'truncated.mxb');
    writeFileSync(truncated, gzipSync(plain.subarray(0, plain.length - 100)));
    await expect(verifyBackup(truncated)).rejects.toThrow(/truncated|corrupt/);

    const notOurs = path.join(dir, 'other.mxb');
    writeFileSync(notOurs, gzipSync(Buffer.from('hello world\n')));
    await expect(verifyBackup(notOurs)).rejects.toThrow(/not an mxdesk backup/);
    // A failed restore leaves the target as it was: empty.
    const target = tempDir('mxdesk-restored-');
    await expect(restoreBackup(damaged, target)).rejects.toThrow();
    await expect(restoreBackup(file, target)).resolves.toBeTruthy();
    rmSync(target, { recursive: true, force: true });
  });
});
