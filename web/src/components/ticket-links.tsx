import { useState } from 'preact/hooks';
import type { TicketView } from '../api.js';
import { useI18n } from '../i18n.js';

/** Links to records elsewhere (an order, a bug, a CRM deal): PATCH links with the whole list. */
export function TicketLinks({ ticket, edits, change }: { ticket: TicketView; edits: boolean; change: (patch: Record<string, unknown>) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({ type: '', id: '', url: '' });
  const [bad, setBad] = useState(false);
  const links = ticket.links ?? [];
  const add = (e: Event) => {
    e.preventDefault();
    const next = { type: draft.type.trim(), id: draft.id.trim(), url: draft.url.trim() };
    // Only web links: a javascript: URL here would run in the panel when clicked.
    if (!next.type || !next.id || !/^https?:\/\//i.test(next.url)) return setBad(true);
    setBad(false);
    change({ links: [...links, next] });
    setDraft({ type: '', id: '', url: '' });
  };
  const field = (name: 'type' | 'id' | 'url', type = 'text') => (
    <label>
      {t(`links.${name}`)}
      <input type={type} value={draft[name]} aria-invalid={bad || undefined} onInput={(e) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value })} />
    </label>
  );
  if (!edits && links.length === 0) return null;
  return (
    <section class="links" aria-label={t('ticket.links')}>
      <h3>{t('ticket.links')}</h3>
      {links.length > 0 && (
        <ul>
          {links.map((l, i) => (
            <li key={`${l.type}-${l.id}-${i}`}>
              {l.type}: <a href={l.url} target="_blank" rel="noopener noreferrer">{l.id}</a>
              {edits && <button type="button" class="link" onClick={() => change({ links: links.filter((_, j) => j !== i) })}>{t('links.remove', { name: `${l.type} ${l.id}` })}</button>}
            </li>
          ))}
        </ul>
      )}
      {edits && (
        <form class="add-link" onSubmit={add}>
          {field('type')}
          {field('id')}
          {field('url', 'url')}
          {bad && <p class="field-error" role="alert">{t('links.bad')}</p>}
          <button type="submit">{t('links.add')}</button>
        </form>
      )}
    </section>
  );
}
