import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatDate } from '../format.js';

interface Entry {
  at: number;
  by: { id: string; name: string };
  what: string;
  from?: unknown;
  to?: unknown;
  note?: string;
}

const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : Array.isArray(v) ? v.join(', ') : String(v));

/** Who changed what on the ticket, oldest first (GET /tickets/:n/timeline). */
export function Timeline({ number, updatedAt }: { number: number; updatedAt: number }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<Entry[]>([]);
  useEffect(() => {
    api<{ items: Entry[] }>(`/tickets/${number}/timeline`).then((r) => setItems(r.items), () => setItems([]));
  }, [number, updatedAt]);
  if (items.length === 0) return null;
  return (
    <section class="timeline" aria-label={t('ticket.timeline')}>
      <h3>{t('ticket.timeline')}</h3>
      <ol>
        {items.map((e, i) => (
          <li key={i}>
            <time dateTime={new Date(e.at).toISOString()}>{formatDate(e.at, lang)}</time> {e.by.name}: {e.what}
            {e.from !== undefined || e.to !== undefined ? ` ${shown(e.from)} → ${shown(e.to)}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
