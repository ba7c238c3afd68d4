import { useEffect, useState } from 'preact/hooks';
import { api, type CustomValue, type TicketView } from '../api.js';
import { useI18n } from '../i18n.js';

interface Definition {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select' | 'checkbox';
  options?: string[];
}

// The admin's definitions change rarely: fetched once per page load.
let definitions: Promise<Definition[]> | null = null;

/** The ticket's custom fields, each edited by its type (PATCH customFields; empty clears). */
export function CustomFields({ ticket, edits, change }: { ticket: TicketView; edits: boolean; change: (patch: Record<string, unknown>) => void }) {
  const { t } = useI18n();
  const [defs, setDefs] = useState<Definition[]>([]);
  useEffect(() => {
    (definitions ??= api<{ items: Definition[] }>('/custom-fields').then((r) => r.items, () => ((definitions = null), []))).then(setDefs);
  }, []);
  if (defs.length === 0) return null;
  const values = ticket.customFields ?? {};
  const save = (key: string, value: CustomValue) => change({ customFields: { [key]: value } });

  return (
    <section class="custom-fields" aria-label={t('ticket.customFields')}>
      <h3>{t('ticket.customFields')}</h3>
      {defs.map((d) => {
        const value = values[d.key];
        if (d.type === 'checkbox') {
          return (
            <label class="inline" key={d.key}>
              <input type="checkbox" checked={value === true} disabled={!edits} onChange={(e) => save(d.key, (e.currentTarget as HTMLInputElement).checked)} />
              {d.label}
            </label>
          );
        }
        if (d.type === 'select') {
          return (
            <label key={d.key}>
              {d.label}
              <select value={typeof value === 'string' ? value : ''} disabled={!edits} onChange={(e) => save(d.key, (e.currentTarget as HTMLSelectElement).value || null)}>
                <option value="">—</option>
                {(d.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            </label>
          );
        }
        return (
          <label key={d.key}>
            {d.label}
            <input
              type={d.type}
              value={value === null || value === undefined ? '' : String(value)}
              disabled={!edits}
              onChange={(e) => {
                const raw = (e.currentTarget as HTMLInputElement).value;
                save(d.key, raw === '' ? null : d.type === 'number' ? Number(raw) : raw);
              }}
            />
          </label>
        );
      })}
    </section>
  );
}
