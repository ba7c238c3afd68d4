import type { TicketSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatDate } from '../format.js';
import { StatusChip } from './status-chip.js';

export function TicketRow({ ticket, selected, onFocus, onClick }: { ticket: TicketSummary; selected: boolean; onFocus: () => void; onClick: (e: MouseEvent) => void }) {
  const { t, lang } = useI18n();
  const more = ticket.messageCount - 1;
  const suspect = ticket.flags.some((f) => f === 'dmarc-fail' || f === 'quarantine' || f === 'hijack-guard');
  return (
    <li class={selected ? 'selected' : undefined}>
      <a class="row" href={`/tickets/${ticket.number}`} onClick={onClick} onFocus={onFocus} aria-current={selected ? 'true' : undefined}>
        <span class="number">#{ticket.number}</span>
        <span class="subject">
          {suspect && <span class="flag" aria-hidden="true">⚠ </span>}
          {ticket.subject}
          {more > 0 && <span class="count" title={t('inbox.messages', { count: ticket.messageCount })} aria-label={t('inbox.messages', { count: ticket.messageCount })}>+{more}</span>}
        </span>
        <span class="requester">{ticket.requester.name || ticket.requester.email}</span>
        <StatusChip status={ticket.status} />
        <time class="updated" dateTime={new Date(ticket.updatedAt).toISOString()}>{formatDate(ticket.updatedAt, lang)}</time>
      </a>
    </li>
  );
}
