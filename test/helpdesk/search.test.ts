import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMail } from '../helpers/smtp-client.js';
import { json, mail, startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { departmentId, person, type Person } from './fixture.js';

// Full-text search through GET /tickets?q=, over the index kept by every ticket and message write.

async function mailIn(app: TestApp, from: string, message: string): Promise<void> {
  const reply = await sendMail(app.smtpPort, { from, to: ['support@support.test'], message });
  expect(reply.code).toBe(250);
  await app.ingestor.idle();
}

function withAttachment(subject: string, filename: string): string {
  return [
    'From: Bob Builder <bob@builders.test>',
    'To: support@support.test',
    `Subject: ${subject}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@builders.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See the attached plan.',
    '--b1',
    `Content-Type: application/pdf; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 not really').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');
}

describe('full-text search', () => {
  let app: TestApp;
  let sales: string;
  let sam: Person;
  const n: Record<string, number> = {};
  const search = async (q: string, who: { api: TestApp['api'] } = app, extra = '') => {
    const res = await who.api(`/api/v1/tickets?q=${encodeURIComponent(q)}${extra}`);
    expect(res.status, q).toBe(200);
    return (await json(res)).items.map((t: any) => t.number);
  };
  const numberOf = async (subject: string) => (await json(app.api('/api/v1/tickets?limit=200'))).items.find((t: any) => t.subject === subject).number;

  beforeAll(async () => {
    app = await startTestApp();
    sales = await departmentId(app, 'Sales');
    await departmentId(app, 'Support');
    sam = await person(app, 'agent', 'sam', [sales]);
    await mailIn(app, 'zoe@customer.test', mail({ from: 'Zoë Ångström <zoe@customer.test>', subject: 'Printer jammed', body: 'The printer in the café jams on every second page.' }));
    await mailIn(app, 'max@other.test', mail({ from: 'Max Mustermann <max@other.test>', subject: 'Invoice question', body: 'Why does the invoice list a printer cartridge twice?' }));
    await mailIn(app, 'bob@builders.test', withAttachment('Floor plans', 'Quarterly-Blueprint_v2.pdf'));
    n.printer = await numberOf('Printer jammed');
    n.invoice = await numberOf('Invoice question');
    n.plans = await numberOf('Floor plans');
  });
  afterAll(() => app.close());

  it('finds words of bodies and subjects, all terms required, newest ticket first', async () => {
    expect(await search('printer')).toEqual([n.invoice, n.printer]);
    expect(await search('printer jams')).toEqual([n.printer]);
    expect(await search('invoice printer')).toEqual([n.invoice]);
    expect(await search('printer elephant')).toEqual([]);
  });

  it('matches the last term as a prefix, the others exactly', async () => {
    expect(await search('cartri')).toEqual([n.invoice]);
    expect(await search('printer cartri')).toEqual([n.invoice]);
    expect(await search('cartri printer')).toEqual([]);
    // "jam" is not a word of either ticket ("jams", "jammed"), and only the last term is a prefix.
    expect(await search('jam printer')).toEqual([]);
  });

  it('folds case and accents, and finds names, addresses and attachment names', async () => {
    expect(await search('ZOE angstrom')).toEqual([n.printer]);
    expect(await search('CAFÉ')).toEqual([n.printer]);
    expect(await search('max@other.test')).toEqual([n.invoice]);
    expect(await search('mustermann')).toEqual([n.invoice]);
    expect(await search('blueprint')).toEqual([n.plans]);
    expect(await search(`#${n.plans}`)).toEqual([n.plans]);
  });

  it('combines with filters and views, and pages with a cursor', async () => {
    expect((await app.api(`/api/v1/tickets/${n.invoice}`, { method: 'PATCH', json: { status: 'closed' } })).status).toBe(200);
    expect(await search('printer', app, '&status=closed')).toEqual([n.invoice]);
    expect(await search('printer', app, '&status=open')).toEqual([n.printer]);
    const first = await json(app.api('/api/v1/tickets?q=printer&limit=1'));
    expect(first.items.map((t: any) => t.number)).toEqual([n.invoice]);
    const second = await json(app.api(`/api/v1/tickets?q=printer&limit=1&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect(second.items.map((t: any) => t.number)).toEqual([n.printer]);
    expect(second.nextCursor).toBeNull();
  });

  it('shows an agent only the matches of their departments', async () => {
    expect(await search('printer', sam)).toEqual([]);
    expect((await app.api(`/api/v1/tickets/${n.printer}`, { method: 'PATCH', json: { departmentId: sales } })).status).toBe(200);
    expect(await search('printer', sam)).toEqual([n.printer]);
  });

  it('leaves internal comments out', async () => {
    const res = await app.api(`/api/v1/tickets/${n.plans}/comments`, { method: 'POST', json: { text: 'internal only' } });
    expect(res.status).toBe(201);
    // Internal comments are not messages: they are never indexed for search.
    expect(await search('internal')).toEqual([]);
  });
});

describe('a store whose search index is missing or outdated', () => {
  const dataDir = tempDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is rebuilt on start', async () => {
    let app = await startTestApp({ dataDir });
    await mailIn(app, 'olga@customer.test', mail({ from: 'olga@customer.test', subject: 'Kaputt', body: 'Der Drucker druckt nicht.' }));
    await app.db.sub.fts.clear();
    await app.db.sub.meta.del('fts:version');
    await app.close();
    app = await startTestApp({ dataDir });
    try {
      // It is rebuilt in the background (search-rebuild.test.ts shows the desk serving meanwhile).
      await app.searchIndex.ready;
      expect((await json(app.api('/api/v1/tickets?q=drucker'))).items.map((t: any) => t.subject)).toEqual(['Kaputt']);
    } finally {
      await app.close();
    }
  });
});
