import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, maySend, type Me, type TicketSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { useTicketEvents } from '../live.js';
import { followLink, navigate } from '../router.js';
import { StatusTabs, type StatusView } from '../components/status-tabs.js';
import { TicketRow } from '../components/ticket-row.js';
import { useKeys } from '../keys.js';
import { Folders, FOLDERS, type Folder } from '../components/folders.js';
import { BulkBar } from '../components/bulk-bar.js';
import { DraftsList } from '../components/drafts-list.js';
import { useFolderCounts } from '../components/use-folder-counts.js';

interface Page {
  items: TicketSummary[];
  nextCursor: string | null;
}

const SEARCH_DELAY_MS = 250;
// One screenful on a laptop; "Load more" fetches the next page by cursor.
const PAGE_SIZE = 25;

function query(folder: Folder, view: StatusView, q: string, cursor?: string): string {
  const p = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (folder !== 'all') p.set('view', folder);
  // Trash holds tickets of every status; the status tabs do not apply to it.
  if (view !== 'all' && folder !== 'trash') p.set('status', view);
  if (q.trim()) p.set('q', q.trim());
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

export function Inbox({ me }: { me: Me }) {
  const { t } = useI18n();
  const initial = new URLSearchParams(location.search);
  const [folder, setFolder] = useState<Folder>(FOLDERS.find((f) => f === initial.get('view')) ?? 'all');
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [view, setView] = useState<StatusView>((initial.get('status') as StatusView) || 'open');
  const [q, setQ] = useState(initial.get('q') ?? '');
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const { counts, reload: reloadCounts } = useFolderCounts(view);

  const load = useCallback(async () => {
    try {
      if (folder === 'drafts') return;
      setPage(await api<Page>(`/tickets?${query(folder, view, q)}`));
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  }, [folder, view, q]);

  useEffect(() => {
    // The filters live in the address, so Back from a ticket returns to the same list.
    const shown = new URLSearchParams();
    if (folder !== 'all') shown.set('view', folder);
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
      const next = await api<Page>(`/tickets?${query(folder, view, q, page.nextCursor)}`);
      setPage({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const items = page?.items ?? [];
  const pick = (n: number, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(n);
    else next.delete(n);
    setPicked(next);
  };
  const allPicked = items.length > 0 && items.every((i) => picked.has(i.number));
  const chooseFolder = (f: Folder) => {
    reloadCounts();
    setFolder(f);
    setPicked(new Set());
    setSelected(0);
    setPage(null);
  };
  const focusRow = (i: number) => {
    const clamped = Math.max(0, Math.min(items.length - 1, i));
    setSelected(clamped);
    list.current?.querySelectorAll<HTMLAnchorElement>('a.row')[clamped]?.focus();
  };
  useKeys({
    j: () => focusRow(selected + 1),
    k: () => focusRow(selected - 1),
    o: () => items[selected] && navigate(`/tickets/${items[selected].number}`),
    x: () => items[selected] && pick(items[selected].number, !picked.has(items[selected].number)),
    Enter: () => items[selected] && navigate(`/tickets/${items[selected].number}`),
    '/': () => search.current?.focus(),
    n: () => maySend(me) && navigate('/new'),
  });

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="inbox-head">
        <h1 id="inbox-title">{t('inbox.title')}</h1>
        {maySend(me) && <a class="button primary" href="/new" onClick={followLink}>{t('newMail.title')}</a>}
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
      <Folders value={folder} onChange={chooseFolder} counts={counts} />
      {folder !== 'trash' && folder !== 'drafts' && <StatusTabs value={view} onChange={(v) => { setView(v); setSelected(0); setPicked(new Set()); }} />}
      {error && <p class="error" role="alert">{t('app.error', { message: error })}</p>}
      {folder === 'drafts' ? <DraftsList /> : (
        <>
          {page === null && !error && <p class="loading">{t('app.loading')}</p>}
          {page && items.length === 0 && <p class="empty">{t('inbox.empty')}</p>}
          {items.length > 0 && (
            <div class="pick-all">
              <label class="inline">
                <input type="checkbox" checked={allPicked} onChange={(e) => setPicked((e.currentTarget as HTMLInputElement).checked ? new Set(items.map((i) => i.number)) : new Set())} />
                {t('inbox.pickAll')}
              </label>
              {picked.size > 0 && <BulkBar numbers={[...picked]} me={me} inTrash={folder === 'trash'} onDone={() => { setPicked(new Set()); void load(); reloadCounts(); }} />}
            </div>
          )}
          <ol class="tickets" ref={list} aria-label={t('inbox.title')}>
            {items.map((ticket, i) => (
              <TicketRow key={ticket.number} ticket={ticket} selected={i === selected} checked={picked.has(ticket.number)} onCheck={(on) => pick(ticket.number, on)} onFocus={() => setSelected(i)} onClick={followLink} />
            ))}
          </ol>
        </>
      )}
      {page?.nextCursor && <button type="button" class="more" onClick={more}>{t('inbox.more')}</button>}
      <p class="hint">{t(maySend(me) ? 'inbox.keysAgent' : 'inbox.keys')}</p>
    </section>
  );
}
