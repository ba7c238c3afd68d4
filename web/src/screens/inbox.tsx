import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type TicketSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { useTicketEvents } from '../live.js';
import { followLink, navigate } from '../router.js';
import { StatusTabs, type StatusView } from '../components/status-tabs.js';
import { TicketRow } from '../components/ticket-row.js';
import { useKeys } from '../keys.js';

interface Page {
  items: TicketSummary[];
  nextCursor: string | null;
}

const SEARCH_DELAY_MS = 250;
// One screenful on a laptop; "Load more" fetches the next page by cursor.
const PAGE_SIZE = 25;

function query(view: StatusView, q: string, cursor?: string): string {
  const p = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (view !== 'all') p.set('status', view);
  if (q.trim()) p.set('q', q.trim());
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

export function Inbox() {
  const { t } = useI18n();
  const initial = new URLSearchParams(location.search);
  const [view, setView] = useState<StatusView>((initial.get('status') as StatusView) || 'open');
  const [q, setQ] = useState(initial.get('q') ?? '');
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);

  const load = useCallback(async () => {
    try {
      setPage(await api<Page>(`/tickets?${query(view, q)}`));
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  }, [view, q]);

  useEffect(() => {
    // The filters live in the address, so Back from a ticket returns to the same list.
    const shown = new URLSearchParams();
    if (view !== 'open') shown.set('status', view);
    if (q.trim()) shown.set('q', q.trim());
    history.replaceState(null, '', shown.size ? `/?${shown}` : '/');
    // Typing waits for a pause; a tab click or the first load goes at once.
    const timer = setTimeout(load, q ? SEARCH_DELAY_MS : 0);
    return () => clearTimeout(timer);
  }, [load]);

  useTicketEvents(() => void load());

  const more = async () => {
    if (!page?.nextCursor) return;
    try {
      const next = await api<Page>(`/tickets?${query(view, q, page.nextCursor)}`);
      setPage({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const items = page?.items ?? [];
  const focusRow = (i: number) => {
    const clamped = Math.max(0, Math.min(items.length - 1, i));
    setSelected(clamped);
    list.current?.querySelectorAll<HTMLAnchorElement>('a.row')[clamped]?.focus();
  };
  useKeys({
    j: () => focusRow(selected + 1),
    k: () => focusRow(selected - 1),
    o: () => items[selected] && navigate(`/tickets/${items[selected].number}`),
    Enter: () => items[selected] && navigate(`/tickets/${items[selected].number}`),
    '/': () => search.current?.focus(),
  });

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="inbox-head">
        <h1 id="inbox-title">{t('inbox.title')}</h1>
        <form role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span class="sr-only">{t('inbox.search')}</span>
            <input
              ref={search}
              type="search"
              value={q}
              placeholder={t('inbox.searchHint')}
              onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
              onKeyDown={(e) => e.key === 'Escape' && (e.currentTarget as HTMLInputElement).blur()}
            />
          </label>
        </form>
      </div>
      <StatusTabs value={view} onChange={(v) => { setView(v); setSelected(0); }} />
      {error && <p class="error" role="alert">{t('app.error', { message: error })}</p>}
      {page === null && !error && <p class="loading">{t('app.loading')}</p>}
      {page && items.length === 0 && <p class="empty">{t('inbox.empty')}</p>}
      <ol class="tickets" ref={list} aria-label={t('inbox.title')}>
        {items.map((ticket, i) => (
          <TicketRow key={ticket.number} ticket={ticket} selected={i === selected} onFocus={() => setSelected(i)} onClick={followLink} />
        ))}
      </ol>
      {page?.nextCursor && <button type="button" class="more" onClick={more}>{t('inbox.more')}</button>}
      <p class="hint">{t('inbox.keys')}</p>
    </section>
  );
}
