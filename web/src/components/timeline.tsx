import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n, type Language } from '../i18n.js';
import { formatDate } from '../format.js';

interface Entry {
  at: number;
  by: { id: string; name: string };
  what: string;
  from?: unknown;
  to?: unknown;
  note?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  // A link: its type and reference, as the side panel lists it.
  if (Array.isArray(v)) return v.map((x) => (isRecord(x) ? [x.type, x.id].filter(Boolean).join(' ') : String(x))).join(', ') || '—';
  return String(v);
}

/** "from → to"; for custom fields only the fields that changed, each by its key. */
function change(e: Entry, lang: Language): string {
  if (e.from === undefined && e.to === undefined) return '';
  if (e.what === 'dueAt') return ` ${typeof e.from === 'number' ? formatDate(e.from, lang) : '—'} → ${typeof e.to === 'number' ? formatDate(e.to, lang) : '—'}`;
  if (isRecord(e.from) || isRecord(e.to)) {
    const from = isRecord(e.from) ? e.from : {};
    const to = isRecord(e.to) ? e.to : {};
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((k) => from[k] !== to[k]);
    return keys.map((k) => ` ${k}: ${shown(from[k])} → ${shown(to[k])}`).join(';');
  }
  return ` ${shown(e.from)} → ${shown(e.to)}`;
}

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
            {change(e, lang)}{e.note ? ` (${e.note})` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
