import type { SlaGoal, TicketView } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { formatDate } from '../format.js';

/** An instant as <input type="datetime-local"> shows it: the agent's own time zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** The agent-set due date (editable) and the SLA's deadlines with met / overdue markers. */
export function DueAndSla({ ticket, edits, change }: { ticket: TicketView; edits: boolean; change: (patch: Record<string, unknown>) => void }) {
  const { t, lang } = useI18n();
  const goal = (label: MessageKey, g: SlaGoal | null) => {
    if (!g || g.dueAt === null) return null;
    const state = g.breached ? 'breached' : g.metAt !== null ? 'met' : null;
    return (
      <li data-sla={state ?? 'running'}>
        {t(label)}: {t('sla.due', { date: formatDate(g.dueAt, lang) })}
        {state && <span class={`sla-state ${state}`}> {t(`sla.${state}`)}</span>}
      </li>
    );
  };
  return (
    <div class="due-sla">
      <label>
        {t('ticket.due')}
        <input
          type="datetime-local"
          value={ticket.dueAt ? localInput(ticket.dueAt) : ''}
          disabled={!edits}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLInputElement).value;
            change({ dueAt: v ? new Date(v).getTime() : null });
          }}
        />
      </label>
      {ticket.overdue && <p class="overdue" role="status">{t('ticket.overdue')}</p>}
      {ticket.sla && (
        <section aria-label={t('ticket.sla')}>
          <h3>{t('ticket.sla')}</h3>
          <ul class="sla">
            {goal('sla.firstResponse', ticket.sla.firstResponse)}
            {goal('sla.resolution', ticket.sla.resolution)}
          </ul>
          {ticket.sla.paused && <p class="hint">{t('sla.paused')}</p>}
        </section>
      )}
    </div>
  );
}
