import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { followLink, navigate } from '../router.js';
import { fileAsBase64, parseAddresses } from '../composer/recipients.js';
import { AttachFiles, dropTarget } from '../composer/attach-files.js';
import { CannedMenu, insertAtCaret } from '../composer/canned-menu.js';
import { useKeys } from '../keys.js';

interface FromChoice {
  id: string;
  address: string;
  name: string;
}

type Field = 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'text' | 'attachments';
type Errors = Partial<Record<Field, MessageKey>>;

// The same rule as the API's schema (src/http/routes/outbound-mail.ts).
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** What is wrong with each field before anything is sent; empty when the form may go. */
export function fieldErrors(f: { to: string; cc: string; bcc: string; subject: string; text: string }): Errors {
  const errors: Errors = {};
  const bad = (field: string) => parseAddresses(field).some((a) => !ADDRESS.test(a));
  if (parseAddresses(f.to).length === 0) errors.to = 'newMail.toMissing';
  else if (bad(f.to)) errors.to = 'newMail.badAddress';
  if (bad(f.cc)) errors.cc = 'newMail.badAddress';
  if (bad(f.bcc)) errors.bcc = 'newMail.badAddress';
  if (!f.subject.trim()) errors.subject = 'newMail.subjectMissing';
  if (!f.text.trim()) errors.text = 'newMail.textMissing';
  return errors;
}

/** Which field a refusal of POST /tickets is about, when it names one. */
function fieldOf(err: ApiFailure): Field | null {
  if (err.code === 'invalid_to') return 'to';
  if (err.code === 'invalid_from' || err.code === 'no_from_address' || err.code === 'invalid_department') return 'from';
  if (err.code === 'too_large') return 'attachments';
  const path = /body\/(\w+)/.exec(err.message)?.[1];
  return path && ['to', 'cc', 'bcc', 'subject', 'text'].includes(path) ? (path as Field) : null;
}

/** A new outbound mail (POST /tickets): sending it opens a ticket that waits on the customer. */
export function NewMail() {
  const { t } = useI18n();
  const [froms, setFroms] = useState<FromChoice[]>([]);
  const [form, setForm] = useState({ from: '', to: '', cc: '', bcc: '', subject: '', text: '' });
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  // A refusal of the server, in its own words, on the field it concerns (or the form).
  const [refusal, setRefusal] = useState<{ field: Field | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const text = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    api<{ items: FromChoice[] }>('/from-addresses').then((r) => setFroms(r.items), () => setFroms([]));
    heading.current?.focus();
    document.title = `${t('newMail.title')} · mxdesk`;
    return () => void (document.title = 'mxdesk');
  }, []);

  // Escape leaves (outside the fields, where it is the agent's own).
  useKeys({ Escape: () => navigate('/') });
  const set = (patch: Partial<typeof form>) => {
    setForm({ ...form, ...patch });
    // A field being corrected no longer shows what was wrong with it.
    const touched = Object.keys(patch) as Field[];
    if (touched.some((f) => errors[f])) setErrors(Object.fromEntries(Object.entries(errors).filter(([f]) => !touched.includes(f as Field))));
    if (refusal?.field && touched.includes(refusal.field)) setRefusal(null);
  };
  const send = async (e: Event) => {
    e.preventDefault();
    const found = fieldErrors(form);
    setErrors(found);
    setRefusal(null);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(`new-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const list = (field: string) => (parseAddresses(field).length ? parseAddresses(field) : undefined);
      const attachments = await Promise.all(files.map(fileAsBase64));
      const created = await api<{ number: number }>('/tickets', {
        method: 'POST',
        json: { to: parseAddresses(form.to), cc: list(form.cc), bcc: list(form.bcc), subject: form.subject, text: form.text, ...(form.from ? { from: form.from } : {}), ...(attachments.length ? { attachments } : {}) },
      });
      navigate(`/tickets/${created.number}`);
    } catch (err) {
      const field = err instanceof ApiFailure ? fieldOf(err) : null;
      setRefusal({ field, message: (err as Error).message });
      if (field) document.getElementById(`new-${field}`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  // One field: its label, the control, and what is wrong with it, tied by aria-describedby.
  const problem = (field: Field) => (errors[field] ? t(errors[field]!) : refusal?.field === field ? refusal.message : '');
  const described = (field: Field) => (problem(field) ? { 'aria-invalid': true, 'aria-describedby': `new-${field}-error` } : {});
  const note = (field: Field) => problem(field) && <span class="field-error" id={`new-${field}-error`}>{problem(field)}</span>;
  // The note sits beside the label, not in it: the field's name stays "To", its problem is its description.
  const input = (field: 'to' | 'cc' | 'bcc' | 'subject', label: MessageKey, hint?: MessageKey) => (
    <div class="field">
      <label for={`new-${field}`}>{t(label)}</label>
      <input id={`new-${field}`} type="text" value={form[field]} {...described(field)} placeholder={hint ? t(hint) : undefined} onInput={(e) => set({ [field]: (e.currentTarget as HTMLInputElement).value })} />
      {note(field)}
    </div>
  );

  return (
    <section class="new-mail" aria-labelledby="new-mail-title">
      <a class="back" href="/" onClick={followLink}>← {t('ticket.back')}</a>
      <h1 id="new-mail-title" ref={heading} tabIndex={-1}>{t('newMail.title')}</h1>
      <form class={`composer card${dragging ? ' dragging' : ''}`} aria-labelledby="new-mail-title" noValidate onSubmit={send} {...dropTarget(true, setDragging, (list) => setFiles([...files, ...list]))}>
        <p class="hint">{t('newMail.hint')}</p>
        <div class="fields">
          <div class="field">
            <label for="new-from">{t('compose.from')}</label>
            <select id="new-from" value={form.from} {...described('from')} onChange={(e) => set({ from: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('newMail.fromDefault')}</option>
              {froms.map((f) => <option key={f.id} value={f.address}>{f.name ? `${f.name} <${f.address}>` : f.address}</option>)}
            </select>
            {note('from')}
          </div>
          {input('to', 'message.to', 'newMail.toHint')}
          {input('cc', 'message.cc')}
          {input('bcc', 'compose.bcc')}
          {input('subject', 'newMail.subject')}
        </div>
        <CannedMenu onInsert={(snippet) => set({ text: insertAtCaret(text.current, form.text, snippet) })} />
        <div class="field text">
          <label for="new-text">{t('compose.message')}</label>
          <textarea id="new-text" ref={text} rows={10} value={form.text} {...described('text')} onInput={(e) => set({ text: (e.currentTarget as HTMLTextAreaElement).value })} />
          {note('text')}
        </div>
        <AttachFiles files={files} onChange={setFiles} />
        {note('attachments')}
        {refusal && !refusal.field && <p class="error" role="alert">{t('app.error', { message: refusal.message })}</p>}
        {Object.keys(errors).length > 0 && <p class="error" role="alert">{t('newMail.fix')}</p>}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>{t('compose.send')}</button>
          <button type="button" onClick={() => navigate('/')}>{t('newMail.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
