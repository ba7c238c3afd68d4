import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { getDepartment } from '../../store/directory.js';
import { customFieldDefinitions } from '../../store/custom-fields.js';
import { getHelpCentre } from '../../store/help-centre.js';
import { getContact } from '../../store/directory.js';
import { getTicket, listTickets, messagesOf, ticketIndex } from '../../store/tickets.js';
import { checkLink, signLink } from '../../desk/signed-links.js';
import { ATTACHMENT_LIMITS, checkSubmission, FORM_LIFETIME_MS, HONEYPOT_FIELD, type HelpCentrePage } from '../../desk/help-centre.js';
import { portalLinker } from '../portal-links.js';
import { openWebTicket, portalReply, type Upload } from '../../ingest/web-form.js';
import { addressKey, SlidingWindow } from '../throttle.js';
import { escapeHtml, helpPage, HELP_CSS, HELP_CSP } from '../public-html.js';
import { formBody, portalListBody, portalTicketBody } from '../help-centre-html.js';

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
  const throttled = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const client = addressKey(req.ip);
    const wait = submissions.retryAfter(client, limits.perIp);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      helpPage(reply, 429, 'Too many requests', `<p>We received many requests from your network in a short time. Please try again in ${wait < 90 ? 'a minute' : `${Math.ceil(wait / 60)} minutes`}.</p>`);
      return true;
    }
    submissions.note(client);
    return false;
  };

  /** The enabled page of a slug, with its department; else answers 404 and returns null. */
  const pageOf = async (slug: string, reply: FastifyReply): Promise<HelpCentrePage | null> => {
    const settings = await getHelpCentre(db);
    const page = settings.pages.find((p) => p.slug === slug && p.enabled);
    if (!page || !(await getDepartment(db, page.departmentId))) {
      helpPage(reply, 404, 'Page not found', '<p>There is no help centre at this address.</p>');
      return null;
    }
    return page;
  };

  const showForm = async (reply: FastifyReply, status: number, page: HelpCentrePage, values: Record<string, string> = {}, errors: Record<string, string> = {}, notice = '') => {
    const fields = (await customFieldDefinitions(db)).filter((d) => d.public);
    const token = signLink(secret, 'help-form', page.departmentId, app.deps.now() + FORM_LIFETIME_MS);
    return helpPage(reply, status, page.title, formBody({ page, fields, token, values, errors, notice }));
  };

  app.get('/help/help.css', async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('Content-Security-Policy', HELP_CSP).header('Cache-Control', 'public, max-age=3600').send(HELP_CSS),
  );

  const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 40 } } } as const;

  app.get('/help/:slug', { schema: { hide: true, params: slugParams } }, async (req, reply) => {
    const page = await pageOf((req.params as { slug: string }).slug, reply);
    return page ? showForm(reply, 200, page) : reply;
  });

  app.post('/help/:slug', { schema: { hide: true, params: slugParams } }, async (req, reply) => {
    const page = await pageOf((req.params as { slug: string }).slug, reply);
    if (!page) return reply;
    if (throttled(req, reply)) return reply;
    if (!req.isMultipart()) return helpPage(reply, 415, 'Please use the form', `<p><a href="/help/${escapeHtml(page.slug)}">Open the form</a> and send it from there.</p>`);

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
      return showForm(reply, 413, page, fields, { attachments: `Attachments can be at most ${ATTACHMENT_LIMITS.files} files of ${ATTACHMENT_LIMITS.fileBytes / 1024 / 1024} MB each, ${MAX_TOTAL_BYTES / 1024 / 1024} MB together. Please choose them again.` });
    }

    const form = checkLink(secret, 'help-form', fields.form ?? '', app.deps.now());
    if (!form.ok && form.reason === 'expired') return showForm(reply, 400, page, fields, {}, 'This form was open for a long time. Please check your request and send it again (attachments need to be chosen again).');
    if (!form.ok || form.payload !== page.departmentId) return helpPage(reply, 400, 'Please use the form', `<p>This request did not come from our form. <a href="/help/${escapeHtml(page.slug)}">Open the form</a> and send it from there.</p>`);

    // A filled honeypot is a bot: it is told all went well and nothing is written.
    if ((fields[HONEYPOT_FIELD] ?? '') !== '') {
      req.log.info({ ip: req.ip, page: page.slug }, 'help centre: honeypot filled; submission dropped');
      return reply.redirect(`/help/${page.slug}/sent`, 303);
    }
    const checked = checkSubmission(fields, (await customFieldDefinitions(db)).filter((d) => d.public));
    if (!checked.ok) return showForm(reply, 400, page, fields, checked.errors);

    const now = app.deps.now();
    const portal = await portalLinker(app, now);
    let result: Awaited<ReturnType<typeof openWebTicket>>;
    try {
      result = await openWebTicket(db, { secret, now, departmentId: page.departmentId, submission: checked.submission, uploads, clientIp: req.ip, portal });
    } catch (err) {
      // Nothing was written (one batch): say so, keep what was typed, and let them send again.
      req.log.error({ err, page: page.slug }, 'help centre: could not store a submission');
      return showForm(reply, 503, page, fields, {}, 'We could not save your request just now. Please send it again in a moment (attachments need to be chosen again).');
    }
    if (!result.ok) return showForm(reply, 400, page, fields, { email: 'Please give your own email address, not one of ours.' });
    req.log.info({ ticket: result.ticketNumber, page: page.slug, confirmed: result.confirmed }, 'help centre: ticket opened from the form');
    app.deps.live.publish({ type: 'ticket', ticketNumber: result.ticketNumber, reason: 'new' });
    if (result.confirmed) app.deps.outbound.worker.wake();
    void app.deps.rules?.run(result.ticketNumber, 'ticket-created');
    // Post/redirect/get: a reload of the answer does not send the request twice.
    return reply.redirect(`/help/${page.slug}/sent`, 303);
  });

  app.get('/help/:slug/sent', { schema: { hide: true, params: slugParams } }, async (req, reply) => {
    const page = await pageOf((req.params as { slug: string }).slug, reply);
    if (!page) return reply;
    // The same words whether a ticket was opened or a bot was turned away: nothing to learn here.
    return helpPage(reply, 200, 'Thank you, we have your request', `<p class="notice">We have received your request and sent a confirmation with its number to your email address. Reply to that mail to add anything.</p><p><a href="/help/${escapeHtml(page.slug)}">Send another request</a></p>`);
  });

  // The portal: the signed link names the customer (a contact); it shows their tickets only.
  const contactOf = async (token: string, reply: FastifyReply) => {
    const check = checkLink(secret, 'portal', token, app.deps.now());
    if (!check.ok) {
      const expired = check.reason === 'expired';
      helpPage(reply, expired ? 410 : 404, expired ? 'This link has expired' : 'This link is not valid', '<p>Each of our mails carries a fresh link to your requests; open the link in the most recent one, or write to us by mail.</p>');
      return null;
    }
    const contact = await getContact(db, check.payload);
    if (!contact) {
      helpPage(reply, 404, 'This link is not valid', '<p>We have no requests for this link.</p>');
      return null;
    }
    return contact;
  };
  const customerTicket = async (contactId: string, number: number, reply: FastifyReply) => {
    const ticket = await getTicket(db, number);
    // A merged ticket reads as its target: the customer may follow it when the target is theirs too.
    if (!ticket || ticket.contactId !== contactId || ticket.deletedAt !== null || ticket.flags.includes('system')) {
      helpPage(reply, 404, 'Request not found', '<p>This request does not exist or is not yours.</p>');
      return null;
    }
    return ticket;
  };

  const portalParams = { type: 'object', required: ['token'], properties: { token: TOKEN_PARAM } } as const;
  const ticketParams = { type: 'object', required: ['token', 'number'], properties: { token: TOKEN_PARAM, number: { type: 'integer', minimum: 1, maximum: 999_999_999 } } } as const;

  app.get('/help/portal/:token', { schema: { hide: true, params: portalParams } }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const contact = await contactOf(token, reply);
    if (!contact) return reply;
    const page = await listTickets(db, { range: ticketIndex.contact(contact.id), limit: 100, match: (t) => t.contactId === contact.id && t.deletedAt === null && !t.flags.includes('system') });
    return helpPage(reply, 200, 'Your requests', portalListBody(token, contact.name || contact.email, page.items));
  });

  app.get('/help/portal/:token/:number', { schema: { hide: true, params: ticketParams } }, async (req, reply) => {
    const { token, number } = req.params as { token: string; number: number };
    const contact = await contactOf(token, reply);
    if (!contact) return reply;
    const ticket = await customerTicket(contact.id, number, reply);
    if (!ticket) return reply;
    const department = await getDepartment(db, ticket.departmentId);
    const sent = (req.query as { sent?: string }).sent === '1';
    return helpPage(reply, 200, `#${ticket.number} ${ticket.subject}`, portalTicketBody({ token, ticket, messages: await messagesOf(db, ticket.number), teamName: department?.name || 'Support', sent }));
  });

  app.post('/help/portal/:token/:number', { schema: { hide: true, params: ticketParams } }, async (req, reply) => {
    const { token, number } = req.params as { token: string; number: number };
    const contact = await contactOf(token, reply);
    if (!contact) return reply;
    if (throttled(req, reply)) return reply;
    const text = String((req.body as { text?: unknown } | undefined)?.text ?? '').replace(/\r\n?/g, '\n').trim().slice(0, 20_000);
    const ticket = await customerTicket(contact.id, number, reply);
    if (!ticket) return reply;
    if (!text) return reply.redirect(`/help/portal/${token}/${ticket.number}`, 303);
    const result = await portalReply(db, { now: app.deps.now(), contactId: contact.id, ticketNumber: ticket.number, text, clientIp: req.ip });
    if (!result.ok) return helpPage(reply, 404, 'Request not found', '<p>This request does not exist or is not yours.</p>');
    app.deps.live.publish({ type: 'ticket', ticketNumber: result.ticketNumber, reason: result.outcome });
    void app.deps.rules?.run(result.ticketNumber, result.outcome === 'new' ? 'ticket-created' : 'message-received');
    return reply.redirect(`/help/portal/${token}/${result.ticketNumber}?sent=1`, 303);
  });
}
