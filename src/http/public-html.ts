import type { FastifyReply } from 'fastify';
import type { Language } from '../desk/templates.js';

// The public pages customers open from a link (the rating page, the help centre, the
// portal): server-rendered, no script, everything they show escaped here.

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Plain text as paragraphs: blank lines split them, single newlines are kept by the CSS (pre-wrap). */
export const paragraphs = (text: string) =>
  text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean).map((p) => `<p class="text">${escapeHtml(p)}</p>`).join('');

/**
 * The help centre's pages run no script, take styles only from our own file (no inline
 * style, so an injected <style> could do nothing either), load no images and post only to us.
 */
export const HELP_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** lang: the page's language (the department's, or the customer's), for <html lang> so screen readers and translators read it right. */
export function helpPage(reply: FastifyReply, status: number, title: string, body: string, lang: Language = 'en') {
  return publicPage(reply, { status, title, body, lang, csp: HELP_CSP, head: '<link rel="stylesheet" href="/help/help.css">' });
}

/**
 * The shell of every public page (help centre, rating): a title, a body built from escaped
 * values, the page's own CSP. They carry signed tokens (form, portal, rating): no cache may
 * keep them.
 */
export function publicPage(reply: FastifyReply, o: { status: number; title: string; body: string; lang: Language; csp: string; head: string }) {
  return reply
    .status(o.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('Content-Security-Policy', o.csp)
    .header('Cache-Control', 'no-store')
    .send(`<!doctype html><html lang="${o.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(o.title)}</title>
${o.head}</head>
<body><main><h1>${escapeHtml(o.title)}</h1>${o.body}</main></body></html>`);
}

/** Served at /help/help.css: the one stylesheet of the help centre's pages. */
export const HELP_CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}
h1{font-size:1.5rem;margin-top:0}
label{display:block;margin:.9rem 0 .2rem;font-weight:600}
input,select,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.45rem;border:1px solid #9aa3b2;border-radius:4px}
input[type=checkbox]{width:auto}
textarea{min-height:9rem}
button{font:inherit;margin-top:1.2rem;padding:.55rem 1.4rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;cursor:pointer}
.error{color:#a4161a;font-weight:400;margin:.2rem 0}
.notice{background:#e8f1fb;padding:.6rem .8rem;border-radius:4px}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.message{border-top:1px solid #dde1e7;padding:.6rem 0}
.meta{color:#566074;font-size:.9rem}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.35rem;border-bottom:1px solid #dde1e7}
`;
