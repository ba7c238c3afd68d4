import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, maySend, type Me, type TicketView } from '../api.js';
import { useI18n } from '../i18n.js';
import { useTicketEvents } from '../live.js';
import { followLink, navigate } from '../router.js';
import { useKeys } from '../keys.js';
import { MessageCard } from '../components/message-card.js';
import { TicketSide } from '../components/ticket-side.js';
import { Comments, type Comment } from '../components/comments.js';
import { Composer } from '../composer/composer.js';
import type { ComposeKind } from '../composer/recipients.js';

export function TicketPage({ number, me }: { number: number; me: Me }) {
  const { t } = useI18n();
  const [ticket, setTicket] = useState<TicketView | null>(null);
  const [comments, setComments] = useState<Comment[]>([]);
  const [composing, setComposing] = useState<ComposeKind | null>(null);
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(0);
  const sends = maySend(me);

  const load = useCallback(async () => {
    try {
      const [next, notes] = await Promise.all([api<TicketView>(`/tickets/${number}`), api<{ items: Comment[] }>(`/tickets/${number}/comments`)]);
      setTicket(next);
      setComments(notes.items);
      setError('');
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 404 ? t('ticket.notFound', { number }) : t('app.error', { message: (err as Error).message }));
    }
  }, [number, t]);

  useEffect(() => {
    setTicket(null);
    setComposing(null);
    void load();
  }, [number]);
  // An unsent draft reopens its composer, so nothing typed is hidden from its author.
  useEffect(() => {
    api<{ kind: ComposeKind }>(`/tickets/${number}/draft`).then((d) => setComposing((c) => c ?? (sends || d.kind === 'comment' ? d.kind : null)), () => undefined);
  }, [number]);
  useEffect(() => {
    // A new page for screen readers and keyboards: focus its heading once, not on live refreshes.
    if (ticket && shown.current !== ticket.number) {
      shown.current = ticket.number;
      heading.current?.focus();
    }
    if (ticket) document.title = `#${ticket.number} ${ticket.subject} · mxdesk`;
    return () => void (document.title = 'mxdesk');
  }, [ticket]);
  useTicketEvents((e) => {
    if (!e || e.ticketNumber === number) void load();
  });
  const close = async () => {
    if (!sends) return;
    await api(`/tickets/${number}`, { method: 'PATCH', json: { status: 'closed' } }).catch((err: Error) => setError(err.message));
    void load();
  };
  useKeys({
    u: () => navigate('/'),
    Escape: () => (composing ? setComposing(null) : navigate('/')),
    r: () => sends && setComposing('reply'),
    c: () => setComposing('comment'),
    e: () => void close(),
  });

  const actions: ComposeKind[] = sends ? ['reply', 'reply-all', 'forward', 'comment'] : ['comment'];
  return (
    <article class="ticket" aria-labelledby="ticket-title">
      <a class="back" href="/" onClick={followLink}>← {t('ticket.back')}</a>
      {error && <p class="error" role="alert">{error}</p>}
      {!ticket && !error && <p class="loading">{t('app.loading')}</p>}
      {ticket && (
        <>
          <h1 id="ticket-title" ref={heading} tabIndex={-1}><span class="number">#{ticket.number}</span> {ticket.subject}</h1>
          <div class="ticket-layout">
            <section class="thread" aria-label={t('ticket.thread')}>
              {ticket.messages.map((m) => <MessageCard key={m.id} message={m} canRetry={sends} />)}
              <Comments items={comments} />
              <div class="compose-actions" role="group" aria-label={t('compose.actions')}>
                {actions.map((k) => (
                  <button type="button" key={k} aria-pressed={composing === k} onClick={() => setComposing(k)}>{t(`compose.${k}`)}</button>
                ))}
              </div>
              {composing && <Composer ticket={ticket} kind={composing} onDone={() => { setComposing(null); void load(); }} />}
              <p class="hint">{t(sends ? 'ticket.keysAgent' : 'ticket.keys')}</p>
            </section>
            <TicketSide ticket={ticket} me={me} onChanged={load} />
          </div>
        </>
      )}
    </article>
  );
}
