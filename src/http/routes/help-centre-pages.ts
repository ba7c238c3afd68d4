import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { getDepartment } from '../../store/directory.js';
import { customFieldDefinitions } from '../../store/custom-fields.js';
import { getHelpCentre } from '../../store/help-centre.js';
import { getTemplateSettings } from '../../store/templates.js';
import { chooseLanguage, departmentTemplates, type Language } from '../../desk/templates.js';
import { browserLanguage, helpWords, type HelpCentreWords } from '../../desk/help-centre-words.js';
import type { Contact } from '../../desk/types.js';
import { getContact } from '../../store/directory.js';
import { getTicket, listTickets, messagesOf, ticketIndex } from '../../store/tickets.js';
import { checkLink, signLink } from '../../desk/signed-links.js';
import { ATTACHMENT_LIMITS, checkSubmission, FORM_LIFETIME_MS, HONEYPOT_FIELD, type HelpCentrePage } from '../../desk/help-centre.js';
import { portalLinker } from '../portal-links.js';
import { openWebTicket, portalReply, type Upload } from '../../ingest/web-form.js';
import { addressKey, SlidingWindow } from '../throttle.js';
import { escapeHtml, helpPage, HELP_CSS, HELP_CSP } from '../public-html.js';
import { formBody, portalListBody, portalTicketBody } from '../help-centre-html.js';
import { sendAttachment } from '../attachment-download.js';
import { portalMessages } from '../../desk/help-centre.js';

// The help centre's public pages (issue 5): a ticket form per department at /help/<slug>,
// and the customer portal at /help/portal/<signed token>. No login: the form is protected
// by a signed form token with an expiry, a honeypot and a per-IP rate limit; the portal by
// its signed, expiring link. CSRF needs no token here: nothing is authorised by a cookie.

export interface HelpCentreLimits {
  /** Submissions (form and portal replies) per client IP in the window. */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_HELP_CENTRE_LIMITS: HelpCentreLimits = { perIp: 10, windowMs: 3_600_000 };

/** Everything a submission may carry at most, attachments included: the size of a large mail. */
const MAX_TOTAL_BYTES = 25 * 1024 * 1024;
const TOKEN_PARAM = { type: 'string', maxLength: 120 } as const;

export async function helpCentrePageRoutes(app: FastifyInstance, opts: { limits?: HelpCentreLimits }): Promise<void> {
  const { db } = app.deps;
  const secret = app.deps.outbound.secret;
  const limits = opts.limits ?? DEFAULT_HELP_CENTRE_LIMITS;
  const submissions = new SlidingWindow(limits.windowMs, app.deps.now);

  await app.register(multipart, {
    limits: { fileSize: ATTACHMENT_LIMITS.fileBytes, files: ATTACHMENT_LIMITS.files, fields: 100, fieldSize: 128 * 1024, parts: 110 },
  });
  // A portal reply of 20,000 characters in any script, percent-encoded, fits.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  /** Past the per-IP limit: 429 with Retry-After (RFC 6585 §4), counted before any work. */
  const throttled = (req: FastifyRequest, reply: FastifyReply, w: HelpCentreWords): boolean => {
    const client = addressKey(req.ip);
    const wait = submissions.retryAfter(client, limits.perIp);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      helpPage(reply, 429, w.tooManyTitle, `<p>${w.tooMany(wait)}</p>`, w.lang);
      return true;
    }
    submissions.note(client);
    return false;
  };

  /** A page that knows no department speaks the browser's language (of those we have). */
  const browserWords = (req: FastifyRequest) => helpWords(browserLanguage(req.headers['accept-language']));
  /** The department's language: the one its customer mails are written in (Templates). */
  const departmentLanguage = async (departmentId: string): Promise<Language> => departmentTemplates(await getTemplateSettings(db), departmentId).language;
  /** A customer's own language (contact field "language") when we have it, else the fallback. */
  const contactWords = (contact: Contact, fallback: Language) => helpWords(chooseLanguage(fallback, contact.fields?.language));

  /** The enabled page of a slug, with its department's words; else answers 404 and returns null. */
  const pageOf = async (slug: string, req: FastifyRequest, reply: FastifyReply): Promise<{ page: HelpCentrePage; w: HelpCentreWords } | null> => {
    const settings = await getHelpCentre(db);
    const page = settings.pages.find((p) => p.slug === slug && p.enabled);
    if (!page || !(await getDepartment(db, page.departmentId))) {
      const w = browserWords(req);
      helpPage(reply, 404, w.notFoundTitle, `<p>${w.notFound}</p>`, w.lang);
      return null;
    }
    return { page, w: helpWords(await departmentLanguage(page.departmentId)) };
  };

  const showForm = async (reply: FastifyReply, status: number, { page, w }: { page: HelpCentrePage; w: HelpCentreWords }, values: Record<string, string> = {}, errors: Record<string, string> = {}, notice = '') => {
    const fields = (await customFieldDefinitions(db)).filter((d) => d.public);
    const token = signLink(secret, 'help-form', page.departmentId, app.deps.now() + FORM_LIFETIME_MS);
    return helpPage(reply, status, page.title, formBody({ page, fields, token, values, errors, notice, words: w }), w.lang);
  };
  const useTheForm = (reply: FastifyReply, status: number, { page, w }: { page: HelpCentrePage; w: HelpCentreWords }, lead = '') =>
    helpPage(reply, status, w.useFormTitle, `<p>${lead ? `${lead} ` : ''}<a href="/help/${escapeHtml(page.slug)}">${w.openForm}</a> ${w.sendFromThere}</p>`, w.lang);

  app.get('/help/help.css', async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('Content-Security-Policy', HELP_CSP).header('Cache-Control', 'public, max-age=3600').send(HELP_CSS),
  );

  const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 40 } } } as const;

  app.get('/help/:slug', { schema: { hide: true, params: slugParams } }, async (req, reply) => {
    const found = await pageOf((req.params as { slug: string }).slug, req, reply);
    return found ? showForm(reply, 200, found) : reply;
  });

  app.post('/help/:slug', { schema: { hide: true, params: slugParams } }, async (req, reply) => {
    const found = await pageOf((req.params as { slug: string }).slug, req, reply);
    if (!found) return reply;
    const { page, w } = found;
    if (throttled(req, reply, w)) return reply;
    if (!req.isMultipart()) return useTheForm(reply, 415, found);

    const fields: Record<string, string> = {};
    const uploads: Upload[] = [];
    let total = 0;
    try {
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
          continue;
        }
        const content = await part.toBuffer();
        // A file input left empty still sends a part, without a name or bytes.
        if (!part.filename && content.length === 0) continue;
        total += content.length;
        if (total > MAX_TOTAL_BYTES) throw Object.assign(new Error('too large'), { code: 'FST_REQ_FILE_TOO_LARGE' });
        uploads.push({ filename: part.filename.replace(/[\r\n"\\/]/g, '_').slice(0, 200) || 'attachment', contentType: (part.mimetype || 'application/octet-stream').toLowerCase().slice(0, 100), content });
      }
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!/^FST_(REQ_FILE_TOO_LARGE|FILES_LIMIT|PARTS_LIMIT|FIELDS_LIMIT)$/.test(code)) throw err;
      return showForm(reply, 413, found, fields, { attachments: w.attachmentsTooLarge(ATTACHMENT_LIMITS.files, ATTACHMENT_LIMITS.fileBytes / 1024 / 1024, MAX_TOTAL_BYTES / 1024 / 1024) });
    }

    const form = checkLink(secret, 'help-form', fields.form ?? '', app.deps.now());
    if (!form.ok && form.reason === 'expired') return showForm(reply, 400, found, fields, {}, w.formExpired);
    if (!form.ok || form.payload !== page.departmentId) return useTheForm(reply, 400, found, w.notFromForm);

    // A filled honeypot is a bot: it is told all went well and nothing is written.
    if ((fields[HONEYPOT_FIELD] ?? '') !== '') {
      req.log.info({ ip: req.ip, page: page.slug }, 'help centre: honeypot filled; submission dropped');
      return reply.redirect(`/help/${page.slug}/sent`, 303);
    }
    const checked = checkSubmission(fields, (await customFieldDefinitions(db)).filter((d) => d.public), w);
    if (!checked.ok) return showForm(reply, 400, found, fields, checked.errors);

    const now = app.deps.now();
    const portal = await portalLinker(app, now);
    let result: Awaited<ReturnType<typeof openWebTicket>>;
    try {
      result = await openWebTicket(db, { secret, now, departmentId: page.departmentId, submission: checked.submission, uploads, clientIp: req.ip, portal });
    } catch (err) {
      // Nothing was written (one batch): say so, keep what was typed, and let them send again.
      req.log.error({ err, page: page.slug }, 'help centre: could not store a submission');
      return showForm(reply, 503, found, fields, {}, w.notSaved);
    }
    if (!result.ok) return showForm(reply, 400, found, fields, { email: w.ownAddress });
    req.log.info({ ticket: result.ticketNumber, page: page.slug, confirmed: result.confirmed }, 'help centre: ticket opened from the form');
    app.deps.live.publish({ type: 'ticket', ticketNumber: result.ticketNumber, reason: 'new' });
    if (result.confirmed) app.deps.outbound.worker.wake();
    void app.deps.rules?.run(result.ticketNumber, 'ticket-created');
    // Post/redirect/get: a reload of the answer does not send the request twice.
    return reply.redirect(`/help/${page.slug}/sent`, 303);
  });

  app.get('/help/:slug/sent', { schema: { hide: true, params: slugParams } }, async (req, reply) => {
    const found = await pageOf((req.params as { slug: string }).slug, req, reply);
    if (!found) return reply;
    const { page, w } = found;
    // The same words whether a ticket was opened or a bot was turned away: nothing to learn here.
    return helpPage(reply, 200, w.sentTitle, `<p class="notice">${w.sent}</p><p><a href="/help/${escapeHtml(page.slug)}">${w.sendAnother}</a></p>`, w.lang);
  });

  // The portal: the signed link names the customer (a contact); it shows their tickets only.
  const contactOf = async (token: string, req: FastifyRequest, reply: FastifyReply) => {
    const check = checkLink(secret, 'portal', token, app.deps.now());
    if (!check.ok) {
      const expired = check.reason === 'expired';
      const w = browserWords(req);
      helpPage(reply, expired ? 410 : 404, expired ? w.linkExpiredTitle : w.linkInvalidTitle, `<p>${w.linkHelp}</p>`, w.lang);
      return null;
    }
    const contact = await getContact(db, check.payload);
    if (!contact) {
      const w = browserWords(req);
      helpPage(reply, 404, w.linkInvalidTitle, `<p>${w.noRequestsForLink}</p>`, w.lang);
      return null;
    }
    return contact;
  };
  /** The contact's requests, and the words of pages about them all: the department of the request that moved last (the mail that brought them here). */
  const contactRequests = async (contact: Contact, req: FastifyRequest) => {
    const page = await listTickets(db, { range: ticketIndex.contact(contact.id), limit: 100, match: (t) => t.contactId === contact.id && t.deletedAt === null && !t.flags.includes('system') });
    const latest = page.items.reduce<(typeof page.items)[number] | undefined>((a, t) => (!a || t.updatedAt > a.updatedAt ? t : a), undefined);
    const w = contactWords(contact, latest ? await departmentLanguage(latest.departmentId) : browserLanguage(req.headers['accept-language']));
    return { tickets: page.items, w };
  };
  const notYours = (reply: FastifyReply, w: HelpCentreWords) => helpPage(reply, 404, w.requestNotFoundTitle, `<p>${w.requestNotFound}</p>`, w.lang);
  /** The contact's ticket with the words of its page: the contact's language, else its department's. */
  const customerTicket = async (contact: Contact, number: number, req: FastifyRequest, reply: FastifyReply) => {
    const ticket = await getTicket(db, number);
    // A merged ticket reads as its target: the customer may follow it when the target is theirs too.
    if (!ticket || ticket.contactId !== contact.id || ticket.deletedAt !== null || ticket.flags.includes('system')) {
      notYours(reply, (await contactRequests(contact, req)).w);
      return null;
    }
    return { ticket, w: contactWords(contact, await departmentLanguage(ticket.departmentId)) };
  };

  const portalParams = { type: 'object', required: ['token'], properties: { token: TOKEN_PARAM } } as const;
  const ticketParams = { type: 'object', required: ['token', 'number'], properties: { token: TOKEN_PARAM, number: { type: 'integer', minimum: 1, maximum: 999_999_999 } } } as const;

  app.get('/help/portal/:token', { schema: { hide: true, params: portalParams } }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const contact = await contactOf(token, req, reply);
    if (!contact) return reply;
    const { tickets, w } = await contactRequests(contact, req);
    return helpPage(reply, 200, w.yourRequests, portalListBody(token, contact.name || contact.email, tickets, w), w.lang);
  });

  app.get('/help/portal/:token/:number', { schema: { hide: true, params: ticketParams } }, async (req, reply) => {
    const { token, number } = req.params as { token: string; number: number };
    const contact = await contactOf(token, req, reply);
    if (!contact) return reply;
    const found = await customerTicket(contact, number, req, reply);
    if (!found) return reply;
    const { ticket, w } = found;
    const department = await getDepartment(db, ticket.departmentId);
    const sent = (req.query as { sent?: string }).sent === '1';
    return helpPage(reply, 200, `#${ticket.number} ${ticket.subject}`, portalTicketBody({ token, ticket, messages: await messagesOf(db, ticket.number), teamName: department?.name || w.support, sent, words: w }), w.lang);
  });

  const attachmentParams = { type: 'object', required: ['token', 'number', 'id'], properties: { ...ticketParams.properties, id: { type: 'string', pattern: '^[0-9a-z]{1,64}$' } } } as const;

  // A file of the customer's thread: only one the portal page lists (a public message of one
  // of their tickets, not an inline image), so a link cannot reach an internal forward's.
  app.get('/help/portal/:token/:number/attachments/:id', { schema: { hide: true, params: attachmentParams } }, async (req, reply) => {
    const { token, number, id } = req.params as { token: string; number: number; id: string };
    const contact = await contactOf(token, req, reply);
    if (!contact) return reply;
    const found = await customerTicket(contact, number, req, reply);
    if (!found) return reply;
    const listed = portalMessages(await messagesOf(db, found.ticket.number)).some((m) => m.attachments.some((a) => a.id === id && !a.inline));
    if (!listed || !(await sendAttachment(db, reply, id))) return notYours(reply, found.w);
    return reply;
  });

  app.post('/help/portal/:token/:number', { schema: { hide: true, params: ticketParams } }, async (req, reply) => {
    const { token, number } = req.params as { token: string; number: number };
    const contact = await contactOf(token, req, reply);
    if (!contact) return reply;
    if (throttled(req, reply, contactWords(contact, browserLanguage(req.headers['accept-language'])))) return reply;
    const text = String((req.body as { text?: unknown } | undefined)?.text ?? '').replace(/\r\n?/g, '\n').trim().slice(0, 20_000);
    const found = await customerTicket(contact, number, req, reply);
    if (!found) return reply;
    const { ticket, w } = found;
    if (!text) return reply.redirect(`/help/portal/${token}/${ticket.number}`, 303);
    const result = await portalReply(db, { now: app.deps.now(), contactId: contact.id, ticketNumber: ticket.number, text, clientIp: req.ip });
    if (!result.ok) return notYours(reply, w);
    app.deps.live.publish({ type: 'ticket', ticketNumber: result.ticketNumber, reason: result.outcome });
    void app.deps.rules?.run(result.ticketNumber, result.outcome === 'new' ? 'ticket-created' : 'message-received');
    return reply.redirect(`/help/portal/${token}/${result.ticketNumber}?sent=1`, 303);
  });
}
