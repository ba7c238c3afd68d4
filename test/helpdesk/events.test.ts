import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMail } from '../helpers/smtp-client.js';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { Batch } from '../../src/store/db.js';
import { putSupportAddress } from '../../src/store/directory.js';
import { departmentId, person, type Person } from './fixture.js';

// The live stream (GET /events) tells each user only about tickets they may see.

async function listen(who: { api: TestApp['api'] }) {
  const res = await who.api('/api/v1/events');
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = '';
  while (!seen.includes(': connected')) seen += (await reader.read()).value;
  return {
    /** The ticket number of the next event on the stream. */
    async next(): Promise<number> {
      let m: RegExpExecArray | null;
      while (!(m = /event: ticket\ndata: (.*)\n\n/.exec(seen))) seen += (await reader.read()).value;
      seen = seen.slice(m.index + m[0].length);
      return JSON.parse(m[1]!).ticketNumber;
    },
    close: () => reader.cancel(),
  };
}

describe('live events and departments', () => {
  let app: TestApp;
  let sam: Person;

  beforeAll(async () => {
    app = await startTestApp();
    await departmentId(app, 'Support');
    const sales = await departmentId(app, 'Sales');
    sam = await person(app, 'agent', 'sam', [sales]);
    const batch = new Batch();
    putSupportAddress(app.db, batch, { address: 'sales@support.test', name: 'Sales', departmentId: sales, intake: true, isDefault: false, createdAt: Date.now() });
    await app.db.commit(batch);
    await app.reloadRouting();
  });
  afterAll(() => app.close());

  it('reach an agent only for tickets of their departments, and an admin for all', async () => {
    const samHears = await listen(sam);
    const adminHears = await listen(app);
    const send = async (to: string, subject: string) => {
      expect((await sendMail(app.smtpPort, { from: 'ann@customer.test', to: [to], message: mail({ from: 'ann@customer.test', to, subject }) })).code).toBe(250);
      await app.ingestor.idle();
      return (await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(subject)}`))).items[0].number as number;
    };
    const support = await send('support@support.test', 'Support only');
    const sales = await send('sales@support.test', 'For sales');
    expect(await adminHears.next()).toBe(support);
    expect(await adminHears.next()).toBe(sales);
    // The stream keeps order, so the first event Sam gets being Sales' proves Support's was held back.
    expect(await samHears.next()).toBe(sales);
    await samHears.close();
    await adminHears.close();
  });
});
