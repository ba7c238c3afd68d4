import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { json, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { Batch, Db } from '../../src/store/db.js';
import { putMessage, putTicket } from '../../src/store/tickets.js';
import type { Message, Ticket } from '../../src/desk/types.js';
import { apiError, ticketByMail } from './fixture.js';

// After an upgrade that changes the search index, the desk rebuilds it in the background:
// it starts, takes mail and lists tickets at once, search answers 503 search_rebuilding until
// the index is complete, then finds old and new tickets alike.

// Enough that the rebuild takes seconds on a busy machine, far longer than one HTTP request.
const TICKETS = 1500;

/** Writes `count` tickets with one message each straight into a stopped desk's store. */
async function fillStore(dataDir: string, count: number): Promise<void> {
  const db = new Db(dataDir);
  await db.open();
  const at = Date.now();
  let batch = new Batch();
  for (let i = 0; i < count; i++) {
    const number = 100_000 + i;
    const ticket: Ticket = {
      number, subject: `Archived question ${i}`, status: 'closed', requester: { email: `old${i}@customer.test`, name: 'Old Customer' }, contactId: '',
      departmentId: 'none', alias: 'support@support.test', participants: [], messageCount: 1, flags: [], linkedTickets: [], createdAt: at - 1000, updatedAt: at - 1000,
    };
    const message: Message = {
      id: `m${String(i).padStart(19, '0')}`, ticketNumber: number, direction: 'in', messageId: `<old${i}@customer.test>`, references: [], from: ticket.requester, to: [], cc: [],
      subject: ticket.subject, date: at - 1000, receivedAt: at - 1000, text: `The zeppelin number ${i} is late.`, html: null, attachments: [], verdict: null, envelope: null, flags: [], size: 100,
    };
    putTicket(db, batch, ticket);
    putMessage(db, batch, message);
    if (i % 500 === 499) {
      await db.commit(batch, false);
      batch = new Batch();
    }
  }
  // As if an older version had written the index: the next start must rebuild it.
  batch.put(db.sub.meta, 'fts:version', 0);
  await db.commit(batch);
  await db.close();
}

describe('search index rebuild on start', () => {
  const dataDir = tempDir();
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves at once, answers search with 503 until the index is rebuilt, then finds everything', async () => {
    const first = await startTestApp({ dataDir });
    await first.close();
    await fillStore(dataDir, TICKETS);

    // The rebuild is held until the test has seen the desk during it: on a fast machine
    // it would otherwise be done before the first request.
    let release!: () => void;
    app = await startTestApp({ dataDir, searchRebuildAfter: new Promise<void>((r) => (release = r)) });
    expect(app.searchIndex.rebuilding()).toBe(true);
    const rebuilding = await apiError(app.api('/api/v1/tickets?q=zeppelin'));
    expect(rebuilding).toMatchObject({ status: 503, code: 'search_rebuilding' });
    // Lists do not wait for the index.
    const list = await app.api('/api/v1/tickets?limit=5');
    expect(list.status).toBe(200);
    expect((await json(list)).items).toHaveLength(5);

    release();
    await app.searchIndex.ready;
    expect(app.searchIndex.rebuilding()).toBe(false);
    const found = await json(app.api('/api/v1/tickets?q=zeppelin%201234'));
    expect(found.items.map((t: any) => t.number)).toEqual([101_234]);
    // Mail that arrived after the start is found too.
    const fresh = await ticketByMail(app, 'Zeppelin after the upgrade');
    expect((await json(app.api('/api/v1/tickets?q=zeppelin%20upgrade'))).items.map((t: any) => t.number)).toEqual([fresh]);
  }, 120_000);
});
