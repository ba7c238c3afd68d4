import type { TicketSummary } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatDate } from '../format.js';
import { StatusChip } from './status-chip.js';

export function TicketRow({ ticket, selected, checked, onCheck, onFocus, onClick }: { ticket: TicketSummary; selected: boolean; checked: boolean; onCheck: (on: boolean) => void; onFocus: () => void; onClick: (e: MouseEvent) => void }) {
  const { t, lang } = useI18n();
  const more = ticket.messageCount - 1;
  const suspect = ticket.flags.some((f) => f === 'dmarc-fail' || f === 'quarantine' || f === 'hijack-guard');
  const classes = [selected && 'selected', ticket.unread && 'unread'].filter(Boolean).join(' ');
  return (
    <li class={classes || undefined}>
      <input type="checkbox" class="pick" checked={checked} aria-label={t('inbox.pick', { number: ticket.number })} onChange={(e) => onCheck((e.currentTarget as HTMLInputElement).checked)} />
      <a class="row" href={`/tickets/${ticket.number}`} onClick={onClick} onFocus={onFocus} aria-current={selected ? 'true' : undefined}>
        <span class="number">#{ticket.number}</span>
        <span class="subject">
          {ticket.starred && <span class="star" title={t('folder.starred')} aria-label={t('folder.starred')}>★ </span>}
          {ticket.unread && <span class="sr-only">{t('inbox.unread')} </span>}
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
