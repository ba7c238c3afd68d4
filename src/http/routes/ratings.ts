import type { FastifyInstance, FastifyReply } from 'fastify';
import { Batch } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { getDepartment } from '../../store/directory.js';
import { getTicket, putTicket } from '../../store/tickets.js';
import { putTimeline } from '../../store/activity.js';
import { notifyAgents } from '../../automation/notify-agents.js';
import { getRatingSettings, putRatingSettings } from '../../store/ratings.js';
import { checkRatingToken, RATING_VALUES, type RatingValue } from '../../desk/ratings.js';
import { ApiError, notFound } from '../errors.js';
import { requireDesk } from '../guard.js';
import { audit } from './audit.js';
import { escapeHtml, publicPage } from '../public-html.js';

// Satisfaction ratings (issue 5). Admins set them up under /api/v1/rating-settings; customers
// rate on a public page /rate/:token that the signed link in the rating mail opens. The page
// asks before it records: mail scanners open links, a GET must not rate.

/** The page runs no script and loads nothing; its form posts back to itself. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const LABEL: Record<RatingValue, string> = { good: 'Good', neutral: 'Neutral', bad: 'Bad' };


const PAGE_STYLE = '<style>body{font:16px system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.4rem 0}textarea{width:100%;min-height:6rem}button{font-size:1rem;padding:.5rem 1.2rem}</style>';

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return publicPage(reply, { status, title, body, lang: 'en', csp: PAGE_CSP, head: PAGE_STYLE });
}

/** The public rating page: outside the logged-in API, authorised by the signed token alone. */
export async function ratingPageRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const secret = app.deps.outbound.secret;
  // A plain HTML form posts urlencoded; this plugin alone reads that.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const ticketOf = async (token: string, reply: FastifyReply) => {
    const check = checkRatingToken(secret, token, app.deps.now());
    if (!check.ok) {
      page(reply, check.reason === 'expired' ? 410 : 404, check.reason === 'expired' ? 'This link has expired' : 'This link is not valid', '<p>Reply to our last mail if you would still like to tell us how we did.</p>');
      return null;
    }
    const ticket = await getTicket(db, check.ticketNumber);
    if (!ticket || ticket.deletedAt !== null) {
      page(reply, 404, 'This link is not valid', '<p>The request no longer exists.</p>');
      return null;
    }
    return ticket;
  };

  app.get('/rate/:token', { schema: { params: { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } } }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const ticket = await ticketOf(token, reply);
    if (!ticket) return reply;
    const chosen = (req.query as { value?: string }).value;
    const options = RATING_VALUES.map((v) => `<label><input type="radio" name="value" value="${v}"${v === (ticket.rating?.value ?? chosen) ? ' checked' : ''} required> ${LABEL[v]}</label>`).join('');
    return page(reply, 200, `How did we do with #${ticket.number}?`, `<p>${escapeHtml(ticket.subject)}</p>
<form method="post" action="/rate/${encodeURIComponent(token)}">${options}
<label>Anything to add? (optional)<textarea name="comment" maxlength="2000">${escapeHtml(ticket.rating?.comment ?? '')}</textarea></label>
<button type="submit">Send my rating</button></form>`);
  });

  app.post('/rate/:token', { schema: { params: { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } } }, async (req, reply) => {
    const { token } = req.params as { token: string };
    const input = (req.body ?? {}) as { value?: string; comment?: string };
    if (!RATING_VALUES.includes(input.value as RatingValue)) return page(reply, 400, 'Please choose an answer', '<p>Go back and pick Good, Neutral or Bad.</p>');
    const rated = await ticketOf(token, reply);
    if (!rated) return reply;
    const value = input.value as RatingValue;
    const comment = (input.comment ?? '').slice(0, 2000);
    await db.serial(async () => {
      const current = (await getTicket(db, rated.number)) ?? rated;
      const at = app.deps.now();
      const by = { id: 'customer', name: current.requester.name || current.requester.email };
      const batch = new Batch();
      // A second answer replaces the first: the customer changed their mind. Not an update of the ticket.
      putTicket(db, batch, { ...current, rating: { value, comment, at } }, current);
      putTimeline(db, batch, { id: newId(at), ticketNumber: current.number, at, by, what: 'rating', from: current.rating?.value, to: value, ...(comment ? { note: comment.slice(0, 200) } : {}) });
      const mails = await notifyAgents(db, batch, { event: 'rated', ticket: current, by, text: `#${current.number} was rated ${LABEL[value].toLowerCase()}${comment ? `: ${comment.slice(0, 140)}` : ''}`, to: [current.assigneeId], now: at });
      await db.commit(batch);
      if (mails) app.deps.outbound.worker.wake();
    });
    return page(reply, 200, 'Thank you!', `<p>Your rating (${LABEL[value].toLowerCase()}) is recorded. You can change it with the same link.</p>`);
  });
}

/** Admin settings: the public address links start with, the departments that ask, link lifetime. */
export async function ratingSettingsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  app.get('/rating-settings', async (req) => {
    requireDesk(req, 'manage-settings');
    return getRatingSettings(db);
  });
  app.patch('/rating-settings', {
    schema: {
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          publicUrl: { type: 'string', maxLength: 300, pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$' },
          departments: { type: 'array', maxItems: 200, uniqueItems: true, items: { type: 'string', maxLength: 40 } },
          linkDays: { type: 'integer', minimum: 1, maximum: 365 },
        },
      },
    },
  }, async (req) => {
    requireDesk(req, 'manage-settings');
    const input = req.body as { publicUrl?: string; departments?: string[]; linkDays?: number };
    for (const id of input.departments ?? []) if (!(await getDepartment(db, id))) throw notFound(`Department ${id}`);
    return db.serial(async () => {
      const current = await getRatingSettings(db);
      const next = { ...current, ...input };
      // Switching ratings on asks about tickets closed from now on, not the whole history.
      if (current.departments.length === 0 && next.departments.length > 0) next.since = app.deps.now();
      if (next.departments.length && !next.publicUrl) throw new ApiError(400, 'invalid_request', 'Set publicUrl, the address customers reach the desk at, before switching ratings on.');
      const batch = new Batch();
      putRatingSettings(db, batch, next);
      audit(app, req, batch, 'ratings.update', 'ratings', input);
      await db.commit(batch);
      return next;
    });
  });
}
