import { api } from '../../api.js';
import { changer, field, ListTable, useList } from './shared.js';
import { useContentWords } from './content-words.js';

interface CannedReply {
  id: string;
  name: string;
  text: string;
}

/** The canned replies agents insert in the composer (src/http/routes/canned-replies.ts). */
export function CannedReplies() {
  const w = useContentWords();
  const { items, error, setError, reload } = useList<CannedReply>('/canned-replies');
  const run = changer(setError, reload);

  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    // The text is kept as typed (leading spaces and blank lines are part of a reply).
    const ok = await run(() => api('/canned-replies', { method: 'POST', json: { name: field(form, 'name'), text: String(new FormData(form).get('text') ?? '') } }));
    if (ok) form.reset();
  };

  return (
    <section aria-labelledby="canned-title">
      <h2 id="canned-title">{w('cannedReplies')}</h2>
      <p class="hint">{w('cannedHint')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <ListTable head={[w('name'), w('text')]} actions={w('actions')}>
        {(items ?? []).map((c) => (
          <tr key={c.id}>
            <th scope="row">{c.name}</th>
            <td class="canned-text">{c.text}</td>
            <td>
              <button type="button" aria-label={w('deleteOf', { name: c.name })} onClick={() => confirm(w('deleteConfirm', { name: c.name })) && run(() => api(`/canned-replies/${c.id}`, { method: 'DELETE' }))}>
                {w('delete')}
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      {items?.length === 0 && <p class="empty">{w('noCanned')}</p>}
      <form class="admin-form wide" onSubmit={add} aria-labelledby="canned-add-title">
        <h3 id="canned-add-title">{w('addCanned')}</h3>
        <label>{w('name')}<input name="name" type="text" required maxLength={100} /></label>
        <label>{w('text')}<textarea name="text" rows={6} required maxLength={20_000} /></label>
        <button type="submit" class="primary">{w('add')}</button>
      </form>
    </section>
  );
}
