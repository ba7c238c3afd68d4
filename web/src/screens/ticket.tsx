import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, type TicketView } from '../api.js';
import { useI18n } from '../i18n.js';
import { useTicketEvents } from '../live.js';
import { followLink, navigate } from '../router.js';
import { useKeys } from '../keys.js';
import { MessageCard } from '../components/message-card.js';
import { TicketSide } from '../components/ticket-side.js';

export function TicketPage({ number }: { number: number }) {
  const { t } = useI18n();
  const [ticket, setTicket] = useState<TicketView | null>(null);
  const [error, setError] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(0);

  const load = useCallback(async () => {
    try {
      setTicket(await api<TicketView>(`/tickets/${number}`));
      setError('');
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 404 ? t('ticket.notFound', { number }) : t('app.error', { message: (err as Error).message }));
    }
  }, [number, t]);

  useEffect(() => {
    setTicket(null);
    void load();
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
  useKeys({ u: () => navigate('/'), Escape: () => navigate('/') });

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
              {ticket.messages.map((m) => <MessageCard key={m.id} message={m} />)}
              <p class="hint">{t('ticket.keys')}</p>
            </section>
            <TicketSide ticket={ticket} />
          </div>
        </>
      )}
    </article>
  );
}
