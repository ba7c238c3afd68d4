import { api } from '../../api.js';
import { changer, field, ListTable, useList, type Department } from './shared.js';
import { useWords } from './words.js';

interface SupportAddress {
  address: string;
  name: string;
  departmentId: string;
  intake: boolean;
  isDefault: boolean;
}

/** The addresses the MX takes mail for; switching intake off makes it refuse RCPT at once. */
export function SupportAddresses() {
  const w = useWords();
  const { items, error, setError, reload } = useList<SupportAddress>('/support-addresses');
  const departments = useList<Department>('/departments').items ?? [];
  const run = changer(setError, reload);
  const deptName = (id: string) => departments.find((d) => d.id === id)?.name ?? id;

  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const ok = await run(() => api('/support-addresses', { method: 'POST', json: { address: field(form, 'address'), name: field(form, 'name'), departmentId: field(form, 'department') } }));
    if (ok) form.reset();
  };

  return (
    <section aria-labelledby="support-title">
      <h2 id="support-title">{w('support')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ListTable head={[w('address'), w('name'), w('department'), w('intake')]}>
        {(items ?? []).map((a) => (
          <tr key={a.address}>
            <th scope="row">{a.address}{a.isDefault && <span class="chip"> {w('isDefault')}</span>}</th>
            <td>{a.name}</td>
            <td>{deptName(a.departmentId)}</td>
            <td>
              <input
                type="checkbox"
                aria-label={w('intakeOf', { address: a.address })}
                checked={a.intake}
                onChange={(e) => run(() => api(`/support-addresses/${encodeURIComponent(a.address)}`, { method: 'PATCH', json: { intake: (e.currentTarget as HTMLInputElement).checked } }))}
              />
            </td>
          </tr>
        ))}
      </ListTable>
      <form class="admin-form" onSubmit={add} aria-labelledby="alias-title">
        <h3 id="alias-title">{w('addAlias')}</h3>
        <label>{w('address')}<input name="address" type="email" required /></label>
        <label>{w('name')}<input name="name" type="text" /></label>
        <label>
          {w('department')}
          <select name="department" required>
            {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </label>
        <button type="submit" class="primary">{w('add')}</button>
      </form>
    </section>
  );
}
