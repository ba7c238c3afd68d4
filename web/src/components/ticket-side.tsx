import { useEffect, useState } from 'preact/hooks';
import { api, maySend, type Me, type TicketView } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { formatAddress, formatDate } from '../format.js';
import { followLink } from '../router.js';
import { Timeline } from './timeline.js';
import { DueAndSla } from './due-and-sla.js';
import { CustomFields } from './custom-fields.js';
import { TicketLinks } from './ticket-links.js';
import { ContactCard } from './contact-card.js';
import { AccountCard } from './account-card.js';

interface Named {
  id: string;
  name: string;
  email?: string;
  role?: string;
}

const STATUSES = ['open', 'waiting', 'hold', 'closed'];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
const SEVERITIES = ['S1', 'S2', 'S3', 'S4'];

/** The ticket's facts, and for agents and admins the fields they may change (PATCH /tickets/:n). */
export function TicketSide({ ticket, me, onChanged }: { ticket: TicketView; me: Me; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [agents, setAgents] = useState<Named[]>([]);
  const [departments, setDepartments] = useState<Named[]>([]);
  const [error, setError] = useState('');
  const [tags, setTags] = useState((ticket.tags ?? []).join(', '));
  const edits = maySend(me);

  useEffect(() => {
    if (!edits) return;
    api<{ items: Named[] }>('/agents').then((r) => setAgents(r.items.filter((a) => a.role !== 'basic')), () => undefined);
    api<{ items: Named[] }>('/departments').then((r) => setDepartments(r.items), () => undefined);
  }, [edits]);
  useEffect(() => setTags((ticket.tags ?? []).join(', ')), [ticket.tags?.join(',')]);

  const change = async (patch: Record<string, unknown>) => {
    setError('');
    try {
      await api(`/tickets/${ticket.number}`, { method: 'PATCH', json: patch });
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const select = (label: MessageKey, value: string, options: Array<[string, string]>, patch: (v: string) => Record<string, unknown>) => (
    <label>
      {t(label)}
      <select value={value} disabled={!edits} onChange={(e) => change(patch((e.currentTarget as HTMLSelectElement).value))}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </label>
  );

  return (
    <aside class="side card" aria-label={t('ticket.details')}>
      <h2>{t('ticket.details')}</h2>
      <div class="edits">
        {select('ticket.status', ticket.status, STATUSES.map((s) => [s, t(`state.${s}` as MessageKey)]), (status) => ({ status }))}
        {select('ticket.priority', ticket.priority ?? 'medium', PRIORITIES.map((p) => [p, t(`priority.${p}` as MessageKey)]), (priority) => ({ priority }))}
        {select('ticket.severity', ticket.severity ?? 'S3', SEVERITIES.map((s) => [s, s]), (severity) => ({ severity }))}
        {select('ticket.assignee', ticket.assignee?.id ?? '', [['', t('ticket.nobody')], ...agents.map((a): [string, string] => [a.id, a.name || a.email || a.id])], (v) => ({ assigneeId: v || null }))}
        {select('ticket.department', ticket.department.id, departments.length ? departments.map((d): [string, string] => [d.id, d.name]) : [[ticket.department.id, ticket.department.name || ticket.department.id]], (departmentId) => ({ departmentId }))}
        <label>
          {t('ticket.tags')}
          <input
            type="text"
            value={tags}
            disabled={!edits}
            onInput={(e) => setTags((e.currentTarget as HTMLInputElement).value)}
            onChange={() => change({ tags: tags.split(',').map((s) => s.trim()).filter(Boolean) })}
          />
        </label>
        <DueAndSla ticket={ticket} edits={edits} change={change} />
      </div>
      {error && <p class="error" role="alert">{t('app.error', { message: error })}</p>}
      <dl>
        <dt>{t('ticket.requester')}</dt>
        <dd class="address">{formatAddress(ticket.requester)}</dd>
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
      <CustomFields ticket={ticket} edits={edits} change={change} />
      <TicketLinks ticket={ticket} edits={edits} change={change} />
      <ContactCard ticket={ticket} />
      <AccountCard ticket={ticket} />
      <Timeline number={ticket.number} updatedAt={ticket.updatedAt} />
    </aside>
  );
}
