import { api } from '../../api.js';
import { changer, field, ListTable, useList, type Department, type UserSummary as User } from './shared.js';
import { useWords } from './words.js';

const ROLES = ['admin', 'agent', 'basic'] as const;

export function Users() {
  const w = useWords();
  const { items, error, setError, reload } = useList<User>('/users');
  const departments = useList<Department>('/departments').items ?? [];
  const run = changer(setError, reload);

  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const chosen = new FormData(form).getAll('departments').map(String);
    const ok = await run(() =>
      api('/users', { method: 'POST', json: { email: field(form, 'email'), name: field(form, 'name'), role: field(form, 'role'), password: field(form, 'password'), departments: chosen } }),
    );
    if (ok) form.reset();
  };

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{w('users')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ListTable head={[w('email'), w('name'), w('role'), w('department')]}>
        {(items ?? []).map((u) => (
          <tr key={u.id}>
            <th scope="row">{u.email}</th>
            <td>{u.name}</td>
            <td>
              <select aria-label={w('roleOf', { email: u.email })} value={u.role} onChange={(e) => run(() => api(`/users/${u.id}`, { method: 'PATCH', json: { role: (e.currentTarget as HTMLSelectElement).value } }))}>
                {ROLES.map((r) => <option key={r} value={r}>{w(r)}</option>)}
              </select>
            </td>
            <td>{u.departments.map((id) => departments.find((d) => d.id === id)?.name ?? id).join(', ')}</td>
          </tr>
        ))}
      </ListTable>
      <form class="admin-form" onSubmit={add} aria-labelledby="user-title">
        <h3 id="user-title">{w('addUser')}</h3>
        <label>{w('email')}<input name="email" type="email" required /></label>
        <label>{w('name')}<input name="name" type="text" required /></label>
        <label>{w('password')}<input name="password" type="password" autoComplete="new-password" minLength={10} required /></label>
        <label>
          {w('role')}
          <select name="role">{ROLES.map((r) => <option key={r} value={r} selected={r === 'agent'}>{w(r)}</option>)}</select>
        </label>
        <fieldset>
          <legend>{w('department')}</legend>
          {departments.map((d) => <label key={d.id} class="inline"><input type="checkbox" name="departments" value={d.id} defaultChecked /> {d.name}</label>)}
        </fieldset>
        <button type="submit" class="primary">{w('add')}</button>
      </form>
    </section>
  );
}
