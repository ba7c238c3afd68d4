import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, mail, startTestApp, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { apiError, departmentId, person, type Person } from '../helpdesk/fixture.js';
import { addFromAddress, header, parse } from '../outbound/fixtures.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { mailTo as mailToInbox } from './inbox.js';

// Templates per department and language, end to end: the customer writes over SMTP to the
// real MX, the desk's mails leave through a loopback relay, and the test reads what the
// customer would read.

const DAY = 86_400_000;

describe('mail templates: per department, in English and Spanish', () => {
  let app: TestApp;
  let relay: Relay;
  let clock = Date.UTC(2026, 5, 1, 9);
  let ventas: string;
  let jane: Person;

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp({ now: () => clock });
    await addFromAddress(app, relay);
    ventas = await departmentId(app, 'Ventas');
    const res = await app.api('/api/v1/support-addresses', { method: 'POST', json: { address: 'ventas@support.test', name: 'Ventas', departmentId: ventas } });
    expect(res.status).toBe(201);
    jane = await person(app, 'agent', 'jane', [ventas]);
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
  });

  /** A customer writes to `to`; returns the ticket's number. */
  async function customerWrites(from: string, to: string, subject: string, name = 'Rita Cliente'): Promise<number> {
    const reply = await sendMail(app.smtpPort, { from, to: [to], message: mail({ from: `${name} <${from}>`, to, subject }) });
    expect(reply.code).toBe(250);
    await app.ingestor.idle();
    const { items } = await json(app.api('/api/v1/tickets?status=open'));
    return items.find((t: any) => t.requester.email === from).number;
  }
  const mailTo = (address: string, subject: RegExp) => mailToInbox(relay, address, subject);

  it('lets agents read the templates and only admins change them; names an unknown placeholder', async () => {
    const all = await json(jane.api('/api/v1/templates'));
    expect(all.languages).toEqual(['en', 'es']);
    expect(all.kinds.map((k: any) => k.kind)).toEqual(['acknowledgement', 'closing', 'rating', 'agentNotification']);
    expect(all.kinds.find((k: any) => k.kind === 'rating').placeholders).toContain('rating.link');
    expect(all.departments.find((d: any) => d.departmentId === ventas)).toMatchObject({ name: 'Ventas', language: 'en', closingMail: false, templates: {} });

    const body = { language: 'es' };
    expect((await apiError(jane.api(`/api/v1/templates/${ventas}`, { method: 'PUT', json: body }))).status).toBe(403);
    expect((await apiError(app.api('/api/v1/templates/nope', { method: 'PUT', json: body }))).status).toBe(404);

    const typo = await apiError(app.api(`/api/v1/templates/${ventas}`, { method: 'PUT', json: { templates: { acknowledgement: { es: { subject: 'Recibido {{ticket.nmber}}', text: 'Hola' } } } } }));
    expect(typo).toMatchObject({ status: 400, code: 'unknown_placeholder' });
    expect(typo.message).toContain('{{ticket.nmber}}');
    expect(typo.message).toContain('acknowledgement template (es)');
    // A placeholder of another kind is unknown here: an acknowledgement has no rating link.
    const wrongKind = await apiError(app.api(`/api/v1/templates/${ventas}`, { method: 'PUT', json: { templates: { acknowledgement: { en: { subject: 'Hi', text: 'Rate us: {{rating.link}}' } } } } }));
    expect(wrongKind.message).toContain('{{rating.link}}');
    const broken = await apiError(app.api(`/api/v1/templates/${ventas}`, { method: 'PUT', json: { templates: { closing: { en: { subject: 'Closed {{ticket.number', text: 'x' } } } } }));
    expect(broken).toMatchObject({ status: 400, code: 'invalid_template' });
    // Nothing of a refused request was saved.
    expect((await json(app.api(`/api/v1/templates/${ventas}`))).templates).toEqual({});
  });

  it('writes to the customer of a Spanish department in Spanish, with its own texts; a contact who reads English gets English', async () => {
    const saved = await app.api(`/api/v1/templates/${ventas}`, { method: 'PUT', json: { language: 'es', closingMail: true } });
    expect(saved.status).toBe(200);
    const n = await customerWrites('rita@customer.test', 'ventas@support.test', 'Pedido retrasado');
    const ack = await mailTo('rita@customer.test', /Auto:/);
    expect(ack.subject).toBe(`[#${n}] Auto: Pedido retrasado`);
    expect(ack.text).toContain('Hola, Rita Cliente:');
    expect(ack.text).toContain(`gracias por escribir a Ventas. Hemos recibido su mensaje y abierto el ticket n.º ${n}`);

    // The department's own acknowledgement, placeholders filled with plain values.
    const own = { subject: 'Recibido: {{ticket.subject}}', text: 'Estimado/a {{customer.name}} <{{customer.email}}>: su caso {{ticket.token}} está en manos de {{department.name}}.' };
    expect((await app.api(`/api/v1/templates/${ventas}`, { method: 'PUT', json: { templates: { acknowledgement: { es: own } } } })).status).toBe(200);
    const m = await customerWrites('pablo@customer.test', 'ventas@support.test', 'Factura <duplicada> & más', 'Pablo');
    const custom = await mailTo('pablo@customer.test', /Recibido/);
    // The ticket token is kept in front: it threads the customer's answer.
    expect(custom.subject).toBe(`[#${m}] Recibido: Factura <duplicada> & más`);
    expect(custom.text?.trim()).toBe(`Estimado/a Pablo <pablo@customer.test>: su caso [#${m}] está en manos de Ventas.`);
    expect(header(custom, 'auto-submitted')).toBe('auto-replied');

    // A contact known to read English is written in English, whatever the department's language.
    const contacts = await json(app.api('/api/v1/contacts?q=lena'));
    expect(contacts.items).toEqual([]);
    const created = await app.api('/api/v1/contacts', { method: 'POST', json: { name: 'Lena', email: 'lena@customer.test', fields: { language: 'en-GB' } } });
    expect(created.status).toBe(201);
    const k = await customerWrites('lena@customer.test', 'ventas@support.test', 'Late parcel', 'Lena');
    const english = await mailTo('lena@customer.test', /Auto:/);
    expect(english.subject).toBe(`[#${k}] Auto: Late parcel`);
    expect(english.text).toContain('thank you for writing to Ventas');

    // Auto-close: the Spanish closing mail, because the department asks for it.
    expect((await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { status: 'waiting' } })).status).toBe(200);
    clock += 8 * DAY;
    expect(await app.jobs.runAutoClose()).toContain(n);
    const closing = await mailTo('rita@customer.test', /Cerrado/);
    expect(closing.subject).toBe(`[#${n}] Cerrado: Pedido retrasado`);
    expect(closing.text).toContain('no hemos recibido noticias suyas en 7 días');
    expect((await json(app.api(`/api/v1/tickets/${n}`))).status).toBe('closed');
  });

  it('asks for the rating in Spanish, with links that work', async () => {
    const base = `http://127.0.0.1:${app.httpPort}`;
    clock += 60_000;
    expect((await app.api('/api/v1/rating-settings', { method: 'PATCH', json: { publicUrl: base, departments: [ventas], linkDays: 10 } })).status).toBe(200);
    clock += 60_000;
    const n = await customerWrites('sofia@customer.test', 'ventas@support.test', 'Cambio de talla', 'Sofía');
    expect((await app.api(`/api/v1/tickets/${n}`, { method: 'PATCH', json: { status: 'closed' } })).status).toBe(200);
    expect(await app.jobs.runRatingRequests()).toEqual([n]);
    const asked = await mailTo('sofia@customer.test', /Qué tal/);
    expect(asked.subject).toBe(`¿Qué tal lo hicimos? [#${n}] Cambio de talla`);
    expect(asked.text).toContain('Los enlaces funcionan durante 10 días.');
    const good = /^Bien:\s+(\S+)$/m.exec(asked.text ?? '')![1]!;
    const page = await fetch(good);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Cambio de talla');
  });

  it('keeps the subject one line whatever the customer wrote into theirs', async () => {
    // An encoded-word subject that decodes to a line break and a header of its own (RFC 2047).
    const evil = `=?utf-8?B?${Buffer.from('Hola\r\nX-Injected: yes').toString('base64')}?=`;
    const reply = await sendMail(app.smtpPort, { from: 'mallory@customer.test', to: ['ventas@support.test'], message: mail({ from: 'Mallory <mallory@customer.test>', to: 'ventas@support.test', subject: evil }) });
    expect(reply.code).toBe(250);
    await app.ingestor.idle();
    const sent = await waitFor(async () => relay.received.find((r) => r.rcptTo.includes('mallory@customer.test')), 'the acknowledgement to mallory');
    expect(sent.raw).not.toMatch(/^X-Injected:/im);
    expect(sent.rcptTo).toEqual(['mallory@customer.test']);
    expect((await parse(sent.raw)).subject).toMatch(/Recibido: Hola X-Injected: yes$/);
  });
});
