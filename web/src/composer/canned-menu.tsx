import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';

interface Canned {
  id: string;
  name: string;
  text: string;
}

// Fetched once per page load: admins change canned replies rarely.
let loaded: Promise<Canned[]> | null = null;

/**
 * Puts `snippet` where the caret was (replacing a selection): a textarea keeps its selection
 * while the menu has the focus. Without the textarea, at the end.
 */
export function insertAtCaret(area: HTMLTextAreaElement | null, value: string, snippet: string): string {
  if (!area) return value ? `${value}\n${snippet}` : snippet;
  return value.slice(0, area.selectionStart) + snippet + value.slice(area.selectionEnd);
}

/** "Insert template": the admin's canned replies (GET /canned-replies); hidden when there are none. */
export function CannedMenu({ onInsert }: { onInsert: (text: string) => void }) {
  const { t } = useI18n();
  const [items, setItems] = useState<Canned[]>([]);
  useEffect(() => {
    (loaded ??= api<{ items: Canned[] }>('/canned-replies').then((r) => r.items, () => ((loaded = null), []))).then(setItems);
  }, []);
  if (items.length === 0) return null;
  return (
    <label class="canned">
      {t('compose.template')}
      <select
        value=""
        onChange={(e) => {
          const chosen = items.find((c) => c.id === (e.currentTarget as HTMLSelectElement).value);
          (e.currentTarget as HTMLSelectElement).value = '';
          if (chosen) onInsert(chosen.text);
        }}
      >
        <option value="">{t('compose.templatePick')}</option>
        {items.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
    </label>
  );
}
