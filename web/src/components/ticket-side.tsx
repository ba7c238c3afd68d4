import type { TicketView } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatAddress, formatDate } from '../format.js';
import { followLink } from '../router.js';
import { StatusChip } from './status-chip.js';

export function TicketSide({ ticket }: { ticket: TicketView }) {
  const { t, lang } = useI18n();
  return (
    <aside class="side card" aria-label={t('ticket.details')}>
      <h2>{t('ticket.details')}</h2>
      <dl>
        <dt>{t('ticket.status')}</dt>
        <dd><StatusChip status={ticket.status} /></dd>
        <dt>{t('ticket.requester')}</dt>
        <dd class="address">{formatAddress(ticket.requester)}</dd>
        <dt>{t('ticket.department')}</dt>
        <dd>{ticket.department.name || ticket.department.id}</dd>
        <dt>{t('ticket.alias')}</dt>
        <dd class="address">{ticket.alias}</dd>
        <dt>{t('ticket.created')}</dt>
        <dd>{formatDate(ticket.createdAt, lang)}</dd>
        {ticket.linkedTickets.length > 0 && (
          <>
            <dt>{t('ticket.linked')}</dt>
            <dd>
              {ticket.linkedTickets.map((n) => <a key={n} href={`/tickets/${n}`} onClick={followLink}>#{n} </a>)}
            </dd>
          </>
        )}
      </dl>
    </aside>
  );
}
