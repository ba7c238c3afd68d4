import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { Batch, Db } from '../../src/store/db.js';
import { getOutbound, putOutbound } from '../../src/store/outbound.js';
import { startRelay, waitFor, type Relay } from './relays.js';
import { addFromAddress, customerWrites, ticket } from './fixtures.js';

describe('the queue survives a restart', () => {
  const dataDir = tempDir();
  const env = { MXDESK_OUTBOUND_RETRY_SCHEDULE: '100ms' };
  let relay: Relay;
  let app: TestApp | null = null;
  beforeAll(async () => {
    relay = await startRelay('plain');
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes a waiting reply, and sends again one a crash left "sending" — once', async () => {
    app = await startTestApp({ dataDir, env });
    await addFromAddress(app, relay);
    const { number } = await customerWrites(app, { subject: 'Before the restart' });
    await app.outbound.idle();
    await relay.down();
    const { id } = await json(app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Queued while the relay is away' } }));
    await waitFor(async () => (await ticket(app!, number)).messages.find((m: any) => m.id === id).delivery.attempts >= 1 && !app!.outbound.isSending(id), 'a failed attempt');
    await app.close();

    // As if the process had died in the middle of an attempt: the item is left 'sending'.
    const db = new Db(dataDir);
    await db.open();
    const item = (await getOutbound(db, id))!;
    expect(item.state).toBe('retrying');
    const batch = new Batch();
    putOutbound(db, batch, { ...item, state: 'sending', attempts: item.attempts + 1 });
    await db.commit(batch, true);
    await db.close();

    await relay.up();
    app = await startTestApp({ dataDir, env });
    const delivery = await waitFor(async () => {
      const d = (await ticket(app!, number)).messages.find((m: any) => m.id === id).delivery;
      return d.state === 'sent' && d;
    }, 'the reply sent after the restart');
    expect(delivery.attempts).toBe(item.attempts + 2);
    const messageId = (await ticket(app, number)).messages.find((m: any) => m.id === id).messageId;
    expect(relay.received.filter((r) => r.raw.includes(messageId))).toHaveLength(1);
  });
});
