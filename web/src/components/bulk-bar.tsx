import { useState } from 'preact/hooks';
import { api, type Me } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';

type Action = 'read' | 'unread' | 'star' | 'unstar' | 'close' | 'assign' | 'tag' | 'trash' | 'restore';

interface Result {
  number: number;
  ok: boolean;
  error?: { message: string };
}

/** What to do with the selected tickets at once (POST /tickets/bulk); each ticket answers for itself. */
export function BulkBar({ numbers, me, inTrash, onDone }: { numbers: number[]; me: Me; inTrash: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const [tag, setTag] = useState('');
  const [message, setMessage] = useState('');
  const sends = me.role !== 'basic';
  const run = async (action: Action) => {
    const extra = action === 'assign' ? { assigneeId: me.id } : action === 'tag' ? { tags: [tag.trim()] } : {};
    try {
      const r = await api<{ results: Result[] }>('/tickets/bulk', { method: 'POST', json: { numbers, action, ...extra } });
      const failed = r.results.filter((x) => !x.ok);
      setMessage(failed.length ? failed.map((x) => `#${x.number}: ${x.error?.message ?? ''}`).join(' ') : t('bulk.done', { count: numbers.length }));
    } catch (err) {
      setMessage((err as Error).message);
    }
    onDone();
  };
  const button = (action: Action, label: MessageKey, disabled = false) => (
    <button type="button" disabled={disabled} onClick={() => run(action)}>{t(label)}</button>
  );
  return (
    <div class="bulk" role="group" aria-label={t('bulk.title', { count: numbers.length })}>
      <span class="count">{t('bulk.title', { count: numbers.length })}</span>
      {button('read', 'bulk.read')}
      {button('unread', 'bulk.unread')}
      {button('star', 'bulk.star')}
      {button('unstar', 'bulk.unstar')}
      {sends && !inTrash && button('close', 'bulk.close')}
      {sends && !inTrash && button('assign', 'bulk.assignMe')}
      {sends && !inTrash && (
        <span class="tag">
          <label>
            <span class="sr-only">{t('bulk.tagName')}</span>
            <input type="text" value={tag} placeholder={t('bulk.tagName')} onInput={(e) => setTag((e.currentTarget as HTMLInputElement).value)} />
          </label>
          {button('tag', 'bulk.tag', !tag.trim())}
        </span>
      )}
      {sends && (inTrash ? button('restore', 'bulk.restore') : button('trash', 'bulk.trash'))}
      {message && <span class="result" role="status">{message}</span>}
    </div>
  );
}
