import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, json, startTestApp, type TestApp } from '../helpers/app.js';
import { addFromAddress, parse } from '../outbound/fixtures.js';
import { startRelay, waitFor, type Relay } from '../outbound/relays.js';
import { formPage, openHelpCentre, submitForm } from './fixture.js';

// The help centre's public pages speak the department's language (its template language,
// the one its customer mails are written in): a Spanish department's form, errors and
// portal are in Spanish with <html lang="es">; an English department's stay English.

const lang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

describe('help centre in the department\'s language', () => {
  let app: TestApp;
  let relay: Relay;
  let portal: string;
  let number: number;

  beforeAll(async () => {
    relay = await startRelay('plain');
    app = await startTestApp();
    await addFromAddress(app, relay);
    const soporte = await openHelpCentre(app, 'soporte');
    expect((await app.api(`/api/v1/templates/${soporte}`, { method: 'PUT', json: { language: 'es' } })).status).toBe(200);
    // A second department, left in English, with its own page.
    const billing = await json(app.api('/api/v1/departments', { method: 'POST', json: { name: 'Billing' } }));
    const page = await app.api(`/api/v1/help-centre/pages/${billing.id}`, { method: 'PUT', json: { enabled: true, slug: 'billing', title: 'Billing', intro: 'Questions about invoices.' } });
    expect(page.status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
  });

  it('a Spanish department\'s form is in Spanish, lang="es", honeypot label included', async () => {
    const { res, html } = await formPage(app, 'soporte');
    expect(res.status).toBe(200);
    expect(lang(html)).toBe('es');
    for (const words of ['Su nombre', 'Su dirección de correo electrónico', 'Asunto', '¿En qué podemos ayudarle?', 'Adjuntos (opcional, hasta 5 archivos de 10 MB)', 'Deje este campo vacío', 'Enviar solicitud']) expect(html).toContain(words);
    expect(html).not.toContain('Your name');
    expect(html).not.toContain('Send request');
  });

  it('says what is wrong with a submission in Spanish, and thanks in Spanish', async () => {
    const bad = await submitForm(app, { name: '', email: 'rosa@' }, 'soporte');
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(lang(html)).toBe('es');
    expect(html).toContain('Indíquenos su nombre.');
    expect(html).toContain('Indique una dirección de correo a la que podamos responder, como nombre@ejemplo.com.');
    expect(html).not.toContain('Please tell us your name.');

    const sent = await fetch(`${baseUrl(app)}/help/soporte/sent`);
    const thanks = await sent.text();
    expect(lang(thanks)).toBe('es');
    expect(thanks).toContain('Gracias, hemos recibido su solicitud');
  });

  it('an English department\'s page stays English, lang="en"', async () => {
    const { res, html } = await formPage(app, 'billing');
    expect(res.status).toBe(200);
    expect(lang(html)).toBe('en');
    for (const words of ['Your name', 'How can we help?', 'Leave this field empty', 'Send request']) expect(html).toContain(words);
    expect(html).not.toContain('Su nombre');
    const bad = await (await submitForm(app, { name: '' }, 'billing')).text();
    expect(bad).toContain('Please tell us your name.');
  });

  it('the portal of a Spanish ticket is in Spanish: list, thread, status and reply form', async () => {
    expect((await submitForm(app, { name: 'Rosa', email: 'rosa@cliente.test', subject: 'La impresora no imprime' }, 'soporte')).status).toBe(303);
    const mail = await waitFor(async () => relay.received.find((r) => r.rcptTo.includes('rosa@cliente.test')), 'the confirmation');
    number = Number(/\[#(\d+)\]/.exec(mail.raw)![1]);
    const confirmation = (await parse(mail.raw)).text ?? '';
    portal = /(http:\/\/\S+\/help\/portal\/\S+)/.exec(confirmation)![1]!;
    // The confirmation speaks like the page did: the Spanish acknowledgement and portal paragraph.
    expect(confirmation).toContain('Hola, Rosa:');
    expect(confirmation).toContain('Puede seguir y responder sus solicitudes en línea:');
    expect(confirmation).toContain('Este enlace es personal y funciona durante 30 días; no lo reenvíe.');
    expect(confirmation).not.toContain('requests online');

    const list = await (await fetch(portal)).text();
    expect(lang(list)).toBe('es');
    expect(list).toContain('<title>Sus solicitudes</title>');
    expect(list).toContain('Hola, Rosa: estas son sus solicitudes.');
    expect(list).toContain('<th>Último cambio</th>');
    expect(list).toContain('<td>Abierta</td>');
    // Dates keep the same UTC form in every language.
    expect(list).toMatch(/<td>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/td>/);

    const page = await (await fetch(`${portal}/${number}`)).text();
    expect(lang(page)).toBe('es');
    for (const words of ['Estado: Abierta', 'Todas sus solicitudes', 'Su respuesta', 'Enviar respuesta']) expect(page).toContain(words);
    expect(page).not.toContain('Send reply');

    // An agent's reply carries the portal paragraph in Spanish as well.
    expect((await app.api(`/api/v1/tickets/${number}/replies`, { method: 'POST', json: { text: 'Desenchúfela primero.' } })).status).toBe(202);
    const reply = await waitFor(async () => relay.received.find((r) => r.raw.includes('Desench')), 'the agent reply');
    const replyText = (await parse(reply.raw)).text ?? '';
    expect(replyText).toContain('Puede seguir y responder sus solicitudes en línea:');
    expect(replyText).not.toContain('requests online');
    // The thread shows the agent's reply with the same UTC time format.
    const thread = await (await fetch(`${portal}/${number}`)).text();
    expect(thread).toContain('Desenchúfela primero.');
    expect(thread).toMatch(/<p class="meta">[^<]+ · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/p>/);

    const other = await fetch(`${portal}/999999`);
    expect(other.status).toBe(404);
    expect(await other.text()).toContain('Esta solicitud no existe o no es suya.');
  });

  it('a page that knows no department speaks the browser\'s language, else English', async () => {
    const es = await fetch(`${baseUrl(app)}/help/nada`, { headers: { 'accept-language': 'fr;q=0.9, es-MX;q=0.8, en;q=0.5' } });
    expect(es.status).toBe(404);
    const html = await es.text();
    expect(lang(html)).toBe('es');
    expect(html).toContain('Página no encontrada');
    const plain = await (await fetch(`${baseUrl(app)}/help/portal/not-a-token`)).text();
    expect(lang(plain)).toBe('en');
    expect(plain).toContain('This link is not valid');
  });
});

describe('help centre in Spanish: rate limit', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { MXDESK_HELP_CENTRE_POSTS_PER_HOUR: '1' } });
    const soporte = await openHelpCentre(app, 'soporte');
    expect((await app.api(`/api/v1/templates/${soporte}`, { method: 'PUT', json: { language: 'es' } })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 in the department\'s language', async () => {
    expect((await submitForm(app, { subject: 'Uno' }, 'soporte')).status).toBe(303);
    const second = await submitForm(app, { subject: 'Dos' }, 'soporte');
    expect(second.status).toBe(429);
    const html = await second.text();
    expect(lang(html)).toBe('es');
    expect(html).toContain('<h1>Demasiadas solicitudes</h1>');
    expect(html).toContain('Inténtelo de nuevo dentro de 60 minutos.');
  });
});
