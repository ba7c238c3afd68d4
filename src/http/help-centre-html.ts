import type { CustomFieldDefinition } from '../desk/custom-fields.js';
import { customFieldInput, HONEYPOT_FIELD, LIMITS, ATTACHMENT_LIMITS, portalMessages, type HelpCentrePage } from '../desk/help-centre.js';
import type { FullTicket, Message, TicketStatus } from '../desk/types.js';
import { escapeHtml as e, paragraphs } from './public-html.js';

// The bodies of the help centre's pages. Every value that came from a person (customer,
// agent, admin) passes through escapeHtml; mail HTML is never shown, only its text part.

const STATUS: Record<TicketStatus, string> = { open: 'Open', waiting: 'Waiting for your answer', hold: 'On hold', closed: 'Closed' };
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function errorOf(errors: Record<string, string>, name: string): string {
  return errors[name] ? `<p class="error" id="${e(name)}-error">${e(errors[name]!)}</p>` : '';
}
const described = (errors: Record<string, string>, name: string) => (errors[name] ? ` aria-invalid="true" aria-describedby="${e(name)}-error"` : '');

function customInput(def: CustomFieldDefinition, values: Record<string, string>, errors: Record<string, string>): string {
  const name = customFieldInput(def.key);
  const value = values[name] ?? '';
  const attrs = `id="${e(name)}" name="${e(name)}"${described(errors, name)}`;
  if (def.type === 'checkbox') return `<label><input type="checkbox" ${attrs} value="on"${value ? ' checked' : ''}> ${e(def.label)}</label>${errorOf(errors, name)}`;
  let input: string;
  if (def.type === 'select') {
    const options = (def.options ?? []).map((o) => `<option${o === value ? ' selected' : ''}>${e(o)}</option>`).join('');
    input = `<select ${attrs}><option value=""></option>${options}</select>`;
  } else {
    const type = def.type === 'number' ? 'number" step="any' : def.type === 'date' ? 'date' : 'text';
    input = `<input type="${type}" ${attrs} value="${e(value)}"${def.type === 'text' ? ' maxlength="1000"' : ''}>`;
  }
  return `<label for="${e(name)}">${e(def.label)} (optional)</label>${input}${errorOf(errors, name)}`;
}

export function formBody(o: { page: HelpCentrePage; fields: CustomFieldDefinition[]; token: string; values: Record<string, string>; errors: Record<string, string>; notice: string }): string {
  const { values: v, errors } = o;
  const field = (name: string, label: string, input: string) => `<label for="${name}">${label}</label>${input}${errorOf(errors, name)}`;
  return `${paragraphs(o.page.intro)}${o.notice ? `<p class="notice">${e(o.notice)}</p>` : ''}
<form method="post" action="/help/${e(o.page.slug)}" enctype="multipart/form-data">
<input type="hidden" name="form" value="${e(o.token)}">
${field('name', 'Your name', `<input id="name" name="name" autocomplete="name" required maxlength="${LIMITS.name}" value="${e(v.name ?? '')}"${described(errors, 'name')}>`)}
${field('email', 'Your email address', `<input id="email" name="email" type="email" autocomplete="email" required maxlength="${LIMITS.email}" value="${e(v.email ?? '')}"${described(errors, 'email')}>`)}
${field('subject', 'Subject', `<input id="subject" name="subject" required maxlength="${LIMITS.subject}" value="${e(v.subject ?? '')}"${described(errors, 'subject')}>`)}
${field('description', 'How can we help?', `<textarea id="description" name="description" required maxlength="${LIMITS.description}"${described(errors, 'description')}>${e(v.description ?? '')}</textarea>`)}
${o.fields.map((d) => customInput(d, v, errors)).join('\n')}
${field('attachments', `Attachments (optional, up to ${ATTACHMENT_LIMITS.files} files of ${ATTACHMENT_LIMITS.fileBytes / 1024 / 1024} MB)`, `<input id="attachments" name="attachments" type="file" multiple${described(errors, 'attachments')}>`)}
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this field empty</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<button type="submit">Send request</button>
</form>`;
}

export function portalListBody(token: string, name: string, tickets: FullTicket[]): string {
  if (tickets.length === 0) return `<p>Hello ${e(name)}, you have no requests with us.</p>`;
  const rows = tickets
    .map((t) => `<tr><td><a href="/help/portal/${e(token)}/${t.number}">#${t.number} ${e(t.subject)}</a></td><td>${STATUS[t.status]}</td><td>${when(t.updatedAt)}</td></tr>`)
    .join('');
  return `<p>Hello ${e(name)}, these are your requests.</p><table><thead><tr><th>Request</th><th>Status</th><th>Last change</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function messageHtml(m: Message, teamName: string): string {
  // An agent's reply names the agent when the mail did; else the team. Nothing internal is read here.
  const who = m.direction === 'in' ? m.from.name || m.from.email : m.author?.name ? `${m.author.name}, ${teamName}` : teamName;
  const files = m.attachments.filter((a) => !a.inline).map((a) => e(a.filename));
  // Only the text part: mail HTML is never rendered on this page.
  const text = m.text.trim() || (m.html ? '(This message has no plain-text version.)' : '');
  return `<article class="message"><p class="meta">${e(who)} · ${when(m.date)}</p><div class="text">${e(text)}</div>${files.length ? `<p class="meta">Attached: ${files.join(', ')}</p>` : ''}</article>`;
}

export function portalTicketBody(o: { token: string; ticket: FullTicket; messages: Message[]; teamName: string; sent: boolean }): string {
  const { ticket } = o;
  const thread = portalMessages(o.messages).map((m) => messageHtml(m, o.teamName)).join('');
  return `<p class="meta">Status: ${STATUS[ticket.status]} · <a href="/help/portal/${e(o.token)}">All your requests</a></p>
${o.sent ? '<p class="notice" role="status">Your reply was added to this request.</p>' : ''}
${thread}
<form method="post" action="/help/portal/${e(o.token)}/${ticket.number}">
<label for="text">Your reply</label><textarea id="text" name="text" required maxlength="20000"></textarea>
<button type="submit">Send reply</button>
</form>`;
}
