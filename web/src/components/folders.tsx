import { useI18n } from '../i18n.js';

// The API's views (GET /tickets?view=…) and the agent's drafts (GET /drafts).
export type Folder = 'all' | 'mine' | 'unassigned' | 'starred' | 'overdue' | 'high-priority' | 'trash' | 'drafts';
export const FOLDERS: Folder[] = ['all', 'mine', 'unassigned', 'starred', 'overdue', 'high-priority', 'drafts', 'trash'];

/** The folders, each with how many tickets it holds of the status shown (GET /tickets/counts). */
export function Folders({ value, onChange, counts }: { value: Folder; onChange: (f: Folder) => void; counts?: Partial<Record<Folder, number>> | null }) {
  const { t } = useI18n();
  return (
    <nav class="tabs folders" aria-label={t('inbox.folders')}>
      {FOLDERS.map((f) => (
        <button type="button" key={f} aria-pressed={f === value} onClick={() => onChange(f)}>
          {t(`folder.${f}`)}
          {counts?.[f] !== undefined && <span class="count" data-count={f}>{counts[f]}</span>}
        </button>
      ))}
    </nav>
  );
}
