import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/mbox/import.js';
import { mboxEntry } from '../../src/mbox/mbox.js';
import { mail, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';

// An import reads mail far faster than it can be ticketed. Each message read waits for room
// in the ticketing backlog, as a message arriving by SMTP does, so that a large mbox is not
// held in memory whole while ingest catches up.

describe('mbox import', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('keeps pace with ticketing: reads no further than a few messages ahead of it, and tickets them all', async () => {
    const count = 300;
    const file = path.join(tempDir('mxdesk-import-'), 'big.mbox');
    writeFileSync(file, Buffer.concat(Array.from({ length: count }, (_, i) => mboxEntry(Buffer.from(mail({ from: `Customer ${i} <c${i}@customer.test>`, subject: `Old question ${i}`, body: `Question number ${i}.` })), `c${i}@customer.test`, Date.UTC(2025, 0, 1)))));
    let ticketed = 0;
    app.ingestor.onTicketed(() => ticketed++);
    // Ticketing held back (its groups run in the store's serial section): the import must
    // stop reading after a few messages instead of spooling the whole file into memory.
    let release!: () => void;
    const held = app.db.serial(() => new Promise<void>((r) => (release = r)));
    let spooled = 0;
    const importing = importFiles(app.db, app.ingestor, [file], Date.now, (p) => (spooled = p.spooled));
    try {
      let seen = -1;
      while (seen !== spooled) {
        seen = spooled;
        await new Promise((r) => setTimeout(r, 300));
      }
      console.log(`import-pace: ticketing held, the import stopped after ${spooled} of ${count} messages`);
      expect(spooled).toBeGreaterThan(0);
      expect(spooled).toBeLessThanOrEqual(16);
      expect(ticketed).toBe(0);
    } finally {
      release();
      await held;
    }
    const done = await importing;
    expect(done.spooled).toBe(count);
    expect(ticketed).toBe(count);
    const found = await (await app.api('/api/v1/tickets?q=question+299')).json();
    expect(found.items.map((t: any) => t.subject)).toEqual(['Old question 299']);

    // Imported history is no news to agents; a mail arriving now is.
    const newTicketNotices = async () => (await (await app.api('/api/v1/notifications')).json()).items.filter((x: any) => x.kind === 'new-ticket');
    expect(await newTicketNotices()).toEqual([]);
    expect((await sendMail(app.smtpPort, { from: 'live@customer.test', to: ['support@support.test'], message: mail({ from: 'live@customer.test', subject: 'A question today' }) })).code).toBe(250);
    await app.ingestor.idle();
    expect((await newTicketNotices()).map((x: any) => x.text)).toEqual([expect.stringContaining('A question today')]);
  });
});
