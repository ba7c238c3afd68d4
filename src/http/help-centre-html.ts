import type { CustomFieldDefinition } from '../desk/custom-fields.js';
import { customFieldInput, HONEYPOT_FIELD, LIMITS, ATTACHMENT_LIMITS, portalMessages, type HelpCentrePage } from '../desk/help-centre.js';
import type { FullTicket, Message } from '../desk/types.js';
import type { HelpCentreWords } from '../desk/help-centre-words.js';
import { escapeHtml as e, paragraphs } from './public-html.js';

// The bodies of the help centre's pages. Every value that came from a person (customer,
// agent, admin) passes through escapeHtml; mail HTML is never shown, only its text part.


function errorOf(errors: Record<string, string>, name: string): string {
  return errors[name] ? `<p class="error" id="${e(name)}-error">${e(errors[name]!)}</p>` : '';
}
const described = (errors: Record<string, string>, name: string) => (errors[name] ? ` aria-invalid="true" aria-describedby="${e(name)}-error"` : '');

function customInput(def: CustomFieldDefinition, values: Record<string, string>, errors: Record<string, string>, w: HelpCentreWords): string {
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
  return `<label for="${e(name)}">${e(def.label)} (${w.optional})</label>${input}${errorOf(errors, name)}`;
}

export function formBody(o: { page: HelpCentrePage; fields: CustomFieldDefinition[]; token: string; values: Record<string, string>; errors: Record<string, string>; notice: string; words: HelpCentreWords }): string {
  const { values: v, errors, words: w } = o;
  const field = (name: string, label: string, input: string) => `<label for="${name}">${label}</label>${input}${errorOf(errors, name)}`;
  return `${paragraphs(o.page.intro)}${o.notice ? `<p class="notice">${e(o.notice)}</p>` : ''}
<form method="post" action="/help/${e(o.page.slug)}" enctype="multipart/form-data">
<input type="hidden" name="form" value="${e(o.token)}">
${field('name', w.yourName, `<input id="name" name="name" autocomplete="name" required maxlength="${LIMITS.name}" value="${e(v.name ?? '')}"${described(errors, 'name')}>`)}
${field('email', w.yourEmail, `<input id="email" name="email" type="email" autocomplete="email" required maxlength="${LIMITS.email}" value="${e(v.email ?? '')}"${described(errors, 'email')}>`)}
${field('subject', w.subject, `<input id="subject" name="subject" required maxlength="${LIMITS.subject}" value="${e(v.subject ?? '')}"${described(errors, 'subject')}>`)}
${field('description', w.description, `<textarea id="description" name="description" required maxlength="${LIMITS.description}"${described(errors, 'description')}>${e(v.description ?? '')}</textarea>`)}
${o.fields.map((d) => customInput(d, v, errors, w)).join('\n')}
${field('attachments', w.attachments(ATTACHMENT_LIMITS.files, ATTACHMENT_LIMITS.fileBytes / 1024 / 1024), `<input id="attachments" name="attachments" type="file" multiple${described(errors, 'attachments')}>`)}
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">${w.honeypot}</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<button type="submit">${w.sendRequest}</button>
</form>`;
}

export function portalListBody(token: string, name: string, tickets: FullTicket[], w: HelpCentreWords): string {
  if (tickets.length === 0) return `<p>${e(w.noRequests(name))}</p>`;
  const rows = tickets
    .map((t) => `<tr><td><a href="/help/portal/${e(token)}/${t.number}">#${t.number} ${e(t.subject)}</a></td><td>${e(w.status[t.status])}</td><td>${w.when(t.updatedAt)}</td></tr>`)
    .join('');
  return `<p>${e(w.theseAreYourRequests(name))}</p><table><thead><tr><th>${w.request}</th><th>${w.statusHeading}</th><th>${w.lastChange}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function messageHtml(m: Message, teamName: string, w: HelpCentreWords, fileLink: (id: string) => string): string {
  // An agent's reply names the agent when the mail did; else the team. Nothing internal is read here.
  const who = m.direction === 'in' ? m.from.name || m.from.email : m.author?.name ? `${m.author.name}, ${teamName}` : teamName;
  const files = m.attachments.filter((a) => !a.inline).map((a) => `<a href="${e(fileLink(a.id))}" download>${e(a.filename)}</a>`);
  // Only the text part: mail HTML is never rendered on this page.
  const text = m.text.trim() || (m.html ? w.noPlainText : '');
  return `<article class="message"><p class="meta">${e(who)} · ${w.when(m.date)}</p><div class="text">${e(text)}</div>${files.length ? `<p class="meta">${w.attached}: ${files.join(', ')}</p>` : ''}</article>`;
}

export function portalTicketBody(o: { token: string; ticket: FullTicket; messages: Message[]; teamName: string; sent: boolean; words: HelpCentreWords }): string {
  const { ticket, words: w } = o;
  const fileLink = (id: string) => `/help/portal/${o.token}/${ticket.number}/attachments/${id}`;
  const thread = portalMessages(o.messages).map((m) => messageHtml(m, o.teamName, w, fileLink)).join('');
  return `<p class="meta">${w.statusHeading}: ${e(w.status[ticket.status])} · <a href="/help/portal/${e(o.token)}">${w.allYourRequests}</a></p>
${o.sent ? `<p class="notice" role="status">${w.replyAdded}</p>` : ''}
${thread}
<form method="post" action="/help/portal/${e(o.token)}/${ticket.number}">
<label for="text">${w.yourReply}</label><textarea id="text" name="text" required maxlength="20000"></textarea>
<button type="submit">${w.sendReply}</button>
</form>`;
}
