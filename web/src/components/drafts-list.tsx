import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatDate } from '../format.js';
import { followLink } from '../router.js';

interface DraftRow {
  ticketNumber: number;
  subject: string;
  text: string;
  updatedAt: number;
}

/** The Drafts folder: tickets where the agent left an unsent answer (GET /drafts). */
export function DraftsList() {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<DraftRow[] | null>(null);
  useEffect(() => {
    api<{ items: DraftRow[] }>('/drafts').then((r) => setItems(r.items), () => setItems([]));
  }, []);
  if (items === null) return <p class="loading">{t('app.loading')}</p>;
  if (items.length === 0) return <p class="empty">{t('inbox.empty')}</p>;
  return (
    <ol class="tickets drafts" aria-label={t('folder.drafts')}>
      {items.map((d) => (
        <li key={d.ticketNumber}>
          <a class="row" href={`/tickets/${d.ticketNumber}`} onClick={followLink}>
            <span class="number">#{d.ticketNumber}</span>
            <span class="subject">{d.subject}</span>
            <span class="requester">{d.text}</span>
            <span />
            <time class="updated" dateTime={new Date(d.updatedAt).toISOString()}>{formatDate(d.updatedAt, lang)}</time>
          </a>
        </li>
      ))}
    </ol>
  );
}
