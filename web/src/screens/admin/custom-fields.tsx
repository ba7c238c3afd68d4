import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { CUSTOM_FIELD_TYPES, type CustomFieldDefinition, type CustomFieldType } from '../../../../src/desk/custom-fields.js';
import { changer, field, ListTable, useList } from './shared.js';
import { useWords, type AdminWord } from './words.js';

/**
 * Custom ticket fields (src/http/routes/custom-fields.ts): a key for the API, a label for
 * people, a type; a select field has its options. Removing one leaves stored values alone.
 */
export function CustomFields() {
  const w = useWords();
  const { items, error, setError, reload } = useList<CustomFieldDefinition>('/custom-fields');
  const [type, setType] = useState<CustomFieldType>('text');
  const run = changer(setError, reload);

  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const options = field(form, 'options').split('\n').map((s) => s.trim()).filter(Boolean);
    const ok = await run(() => api('/custom-fields', { method: 'POST', json: { key: field(form, 'key'), label: field(form, 'label'), type, ...(type === 'select' ? { options } : {}) } }));
    if (ok) {
      form.reset();
      setType('text');
    }
  };

  return (
    <section aria-labelledby="fields-title">
      <h2 id="fields-title">{w('customFields')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ListTable head={[w('label'), w('key'), w('type'), w('options')]} actions={w('actions')}>
        {(items ?? []).map((f) => (
          <tr key={f.key}>
            <th scope="row">{f.label}</th>
            <td><code>{f.key}</code></td>
            <td>{w(`type.${f.type}` as AdminWord)}</td>
            <td>{f.options?.join(', ') ?? '—'}</td>
            <td>
              <button type="button" aria-label={w('deleteOf', { name: f.label })} onClick={() => confirm(w('deleteFieldConfirm', { name: f.label })) && run(() => api(`/custom-fields/${f.key}`, { method: 'DELETE' }))}>{w('delete')}</button>
            </td>
          </tr>
        ))}
      </ListTable>
      {items?.length === 0 && <p class="empty">{w('noFields')}</p>}
      <form class="admin-form" onSubmit={add} aria-labelledby="field-add-title">
        <h3 id="field-add-title">{w('addField')}</h3>
        <label>{w('label')}<input name="label" type="text" required maxLength={100} /></label>
        <label>
          {w('key')}
          <input name="key" type="text" required pattern="[a-zA-Z][a-zA-Z0-9_]{0,39}" aria-describedby="field-key-hint" />
        </label>
        <p id="field-key-hint" class="hint">{w('keyHint')}</p>
        <label>
          {w('type')}
          <select name="type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as CustomFieldType)}>
            {CUSTOM_FIELD_TYPES.map((t) => <option key={t} value={t}>{w(`type.${t}` as AdminWord)}</option>)}
          </select>
        </label>
        {type === 'select' && <label>{w('optionsPerLine')}<textarea name="options" rows={4} required /></label>}
        <button type="submit" class="primary">{w('add')}</button>
      </form>
    </section>
  );
}
