import { useI18n } from '../i18n.js';

export type StatusView = 'open' | 'waiting' | 'hold' | 'closed' | 'all';
const VIEWS: StatusView[] = ['open', 'waiting', 'hold', 'closed', 'all'];

export function StatusTabs({ value, onChange }: { value: StatusView; onChange: (v: StatusView) => void }) {
  const { t } = useI18n();
  return (
    <nav class="tabs" aria-label={t('inbox.views')}>
      {VIEWS.map((v) => (
        <button type="button" key={v} aria-pressed={v === value} onClick={() => onChange(v)}>
          {t(`status.${v}`)}
        </button>
      ))}
    </nav>
  );
}
