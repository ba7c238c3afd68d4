import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type TestApp } from '../helpers/app.js';
import { pendingOutbound as listOutbound } from '../../src/store/outbound.js';
import type { OutboundItem } from '../../src/outbound/item.js';
import { waitFor, type Relay } from '../outbound/relays.js';
import { appWithPlainRelay, closeAll, customerWrites } from '../outbound/fixtures.js';

const TICKETS = 15;

/**
 * The relay goes away while replies are queued (connections refused), then comes back
 * refusing with 421 for a while (RFC 5321 §4.2.1: a 4yz reply is transient), then accepts:
 * each queued reply and acknowledgement reaches it exactly once.
 */
describe('a relay that is down for a while, then back: every queued message delivered exactly once', () => {
  let app: TestApp;
  let relay: Relay;
  beforeAll(async () => {
    ({ app, relay } = await appWithPlainRelay({ MXDESK_OUTBOUND_RETRY_SCHEDULE: '100ms,200ms', MXDESK_OUTBOUND_GIVE_UP_AFTER: '1h' }));
  });
  afterAll(() => closeAll(app, relay));

  it(`delivers ${TICKETS} replies and the acknowledgements once each after the outage`, async () => {
    await relay.down();
    const replies: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const { number } = await customerWrites(app, { subject: `Outage ${i}` });
      const res = await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: `Answer ${i}` } });
      expect(res.status).toBe(202);
      replies.push((await json(res)).id);
    }
    // Replies and the acknowledgements ingest queued (as many as its per-sender limit allows).
    // Sent items leave the queue (outq) for outdone: the queue as it was is what must arrive.
    const queued = await listOutbound(app.db);
    expect(queued.filter((i) => replies.includes(i.id))).toHaveLength(TICKETS);
    const all = async () => (await app.db.values<OutboundItem>(app.db.sub.outq)).concat(await app.db.values<OutboundItem>(app.db.sub.outdone));
    // Wait until every item has failed at least twice against the dead port.
    await waitFor(async () => (await all()).every((i) => i.attempts >= 2 && i.state === 'retrying'), 'every item retrying', 60_000);

    await relay.up();
    relay.refuse = { at: 'rcpt', code: 421, message: '4.3.2 Service shutting down, try later' };
    await waitFor(async () => (await all()).every((i) => i.attempts >= 3), 'an attempt against the refusing relay', 60_000);
    relay.refuse = null;

    const done = await waitFor(async () => {
      const items = await all();
      return items.length === queued.length && items.every((i) => i.state === 'sent') && items;
    }, 'every item sent', 60_000);
    const copies = new Map<string, number>();
    for (const r of relay.received) {
      const id = /^Message-ID:\s*(\S+)/im.exec(r.raw)?.[1] ?? '';
      copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    const expected = done.map((i) => i.messageId);
    expect(expected.filter((id) => copies.get(id) !== 1)).toEqual([]);
    expect(relay.received.length).toBe(done.length);
    console.log(`relay-down: ${done.length} messages (${TICKETS} replies, ${done.length - TICKETS} acknowledgements) delivered once each; attempts per message ${Math.min(...done.map((i) => i.attempts))}..${Math.max(...done.map((i) => i.attempts))}`);
  });
});
