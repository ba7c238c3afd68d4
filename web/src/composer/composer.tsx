import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type TicketView } from '../api.js';
import { useI18n } from '../i18n.js';
import { AttachFiles, dropTarget } from './attach-files.js';
import { CannedMenu, insertAtCaret } from './canned-menu.js';
import { fileAsBase64, parseAddresses, plannedRecipients, type ComposeKind } from './recipients.js';
import { useDraft, type DraftFields } from './use-draft.js';

interface FromChoice {
  id: string;
  address: string;
  name: string;
  isDefault: boolean;
}

/**
 * Reply, reply all, forward or internal comment on one ticket. Comments never leave the desk
 * (POST /tickets/:n/comments); the rest is queued by POST /tickets/:n/replies|forward and its
 * delivery shows on the message it becomes.
 */
export function Composer({ ticket, kind: initialKind, onDone }: { ticket: TicketView; kind: ComposeKind; onDone: () => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<ComposeKind>(initialKind);
  const [froms, setFroms] = useState<FromChoice[]>([]);
  const [fields, setFields] = useState<DraftFields | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const text = useRef<HTMLTextAreaElement>(null);
  const ours = useMemo(() => new Set([ticket.alias, ...froms.map((f) => f.address)].map((e) => e.toLowerCase())), [ticket.alias, froms]);
  const planned = plannedRecipients(kind, ticket, ours);
  const draft = useDraft(ticket.number, fields);

  useEffect(() => {
    api<{ items: FromChoice[] }>('/from-addresses').then((r) => setFroms(r.items), () => setFroms([]));
  }, []);
  // The saved draft wins over a fresh composer, when it is of the same kind of message.
  useEffect(() => {
    if (draft.loaded === undefined) return;
    if (draft.loaded && draft.loaded.kind === kind) setFields(draft.loaded);
    else setFields({ kind, text: '', to: planned.to, cc: planned.cc, bcc: '', from: '', private: false });
    text.current?.focus();
  }, [draft.loaded, kind]);
  useEffect(() => setKind(initialKind), [initialKind]);

  if (!fields) return <p class="loading">{t('app.loading')}</p>;
  const set = (patch: Partial<DraftFields>) => setFields({ ...fields, ...patch });
  const mail = kind !== 'comment';

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      if (kind === 'comment') {
        await api(`/tickets/${ticket.number}/comments`, { method: 'POST', json: { text: fields.text } });
      } else {
        const attachments = await Promise.all(files.map(fileAsBase64));
        // Fields left as planned go unsaid: the API plans them itself (it also honours Reply-To).
        const edited = fields.to !== planned.to || fields.cc !== planned.cc;
        const recipients = {
          ...(edited || kind === 'forward' ? { to: parseAddresses(fields.to), cc: parseAddresses(fields.cc) } : {}),
          ...(fields.bcc.trim() ? { bcc: parseAddresses(fields.bcc) } : {}),
        };
        const from = fields.from ? { from: fields.from } : {};
        if (kind === 'forward') {
          await api(`/tickets/${ticket.number}/forward`, { method: 'POST', json: { text: fields.text, to: recipients.to, ...from } });
        } else {
          await api(`/tickets/${ticket.number}/replies`, {
            method: 'POST',
            json: { text: fields.text, ...recipients, ...from, all: kind === 'reply-all', private: fields.private, ...(attachments.length ? { attachments } : {}) },
          });
        }
      }
      await draft.discard();
      setFiles([]);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class={`composer card${dragging ? ' dragging' : ''}`}
      aria-label={t(`compose.${kind}`)}
      onSubmit={send}
      {...dropTarget(mail, setDragging, (list) => setFiles([...files, ...list]))}
    >
      <h2>{t(`compose.${kind}`)}</h2>
      {mail && (
        <div class="fields">
          <label>
            {t('compose.from')}
            <select value={fields.from} onChange={(e) => set({ from: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('compose.fromAuto')}</option>
              {froms.map((f) => <option key={f.id} value={f.address}>{f.name ? `${f.name} <${f.address}>` : f.address}</option>)}
            </select>
          </label>
          <label>
            {t('message.to')}
            <input type="text" value={fields.to} onInput={(e) => set({ to: (e.currentTarget as HTMLInputElement).value })} />
          </label>
          {kind !== 'forward' && (
            <label>
              {t('message.cc')}
              <input type="text" value={fields.cc} onInput={(e) => set({ cc: (e.currentTarget as HTMLInputElement).value })} />
            </label>
          )}
          {kind !== 'forward' && (
            <label>
              {t('compose.bcc')}
              <input type="text" value={fields.bcc} onInput={(e) => set({ bcc: (e.currentTarget as HTMLInputElement).value })} />
            </label>
          )}
        </div>
      )}
      <CannedMenu onInsert={(snippet) => set({ text: insertAtCaret(text.current, fields.text, snippet) })} />
      <label class="text">
        {t(mail ? 'compose.message' : 'compose.note')}
        <textarea ref={text} rows={8} required value={fields.text} onInput={(e) => set({ text: (e.currentTarget as HTMLTextAreaElement).value })} />
      </label>
      {kind === 'comment' && <p class="hint">{t('compose.commentHint')}</p>}
      {(kind === 'reply' || kind === 'reply-all') && (
        <>
          <label class="inline">
            <input type="checkbox" checked={fields.private} onChange={(e) => set({ private: (e.currentTarget as HTMLInputElement).checked })} />
            {t('compose.private')}
          </label>
          <AttachFiles files={files} onChange={setFiles} />
        </>
      )}
      {error && <p class="error" role="alert">{t('app.error', { message: error })}</p>}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>{t(mail ? 'compose.send' : 'compose.addComment')}</button>
        <button type="button" onClick={async () => { await draft.discard(); onDone(); }}>{t('compose.discard')}</button>
        <span class="saved" role="status">{draft.saved === 'saved' ? t('compose.saved') : draft.saved === 'error' ? t('compose.notSaved') : ''}</span>
      </div>
    </form>
  );
}
