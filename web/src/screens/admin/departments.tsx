import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';
import { changer, field, fieldNumber, ListTable, useList, type UserSummary } from './shared.js';
import { useWords } from './words.js';

interface Member {
  id: string;
  name: string;
  email: string;
}

type Override = { autoCcSupport?: boolean; agentNameInFrom?: boolean };

interface DepartmentView {
  id: string;
  name: string;
  autoCloseDays: number | null;
  members: Member[];
  channel?: Override;
}

interface RatingSettings {
  publicUrl: string;
  departments: string[];
}

const OVERRIDES = ['autoCcSupport', 'agentNameInFrom'] as const;

/**
 * Departments: their members, how soon their waiting tickets close, whether closed tickets
 * ask the customer for a rating, and the channel settings where they differ from the
 * organisation's (src/http/routes/departments.ts, /rating-settings).
 */
export function Departments() {
  const w = useWords();
  const { items, error, setError, reload } = useList<DepartmentView>('/departments');
  const users = useList<UserSummary>('/users').items ?? [];
  const [ratings, setRatings] = useState<RatingSettings | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const loadRatings = () => api<RatingSettings>('/rating-settings').then(setRatings, (err: Error) => setError(err.message));
  useEffect(() => void loadRatings(), []);
  const run = changer(setError, async () => {
    await reload();
    await loadRatings();
  });

  /** The body both forms send: name, auto-close days (empty: the desk default), members, overrides. */
  const body = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const channel: Override = {};
    for (const key of OVERRIDES) {
      const v = data.get(key);
      if (v === 'on' || v === 'off') channel[key] = v === 'on';
    }
    return { name: field(form, 'name'), autoCloseDays: fieldNumber(form, 'autoCloseDays'), members: data.getAll('members').map(String), channel };
  };
  /** Rating on close is the department's membership of /rating-settings' list. */
  const setRating = (id: string, on: boolean) => {
    const current = ratings?.departments ?? [];
    if (current.includes(id) === on) return Promise.resolve();
    return api('/rating-settings', { method: 'PATCH', json: { departments: on ? [...current, id] : current.filter((d) => d !== id) } });
  };

  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const wantRating = new FormData(form).get('rating') === 'on';
    const ok = await run(async () => {
      const created = await api<DepartmentView>('/departments', { method: 'POST', json: body(form) });
      if (wantRating) await setRating(created.id, true);
    });
    if (ok) form.reset();
  };
  const save = (id: string) => async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const wantRating = new FormData(form).get('rating') === 'on';
    const ok = await run(async () => {
      await api(`/departments/${id}`, { method: 'PATCH', json: body(form) });
      await setRating(id, wantRating);
    });
    if (ok) setEditing(null);
  };

  const form = (d: DepartmentView | null) => {
    const title = d ? w('editOf', { name: d.name }) : w('addDepartment');
    const titleId = d ? `dept-edit-${d.id}` : 'dept-add';
    const rated = d ? (ratings?.departments ?? []).includes(d.id) : false;
    return (
      <form class="admin-form" onSubmit={d ? save(d.id) : add} aria-labelledby={titleId} key={d?.id ?? 'new'}>
        <h3 id={titleId}>{title}</h3>
        <label>{w('name')}<input name="name" type="text" required maxLength={100} defaultValue={d?.name ?? ''} /></label>
        <label>
          {w('autoCloseDays')}
          <input name="autoCloseDays" type="number" min={0} max={365} defaultValue={d?.autoCloseDays?.toString() ?? ''} aria-describedby="auto-close-hint" />
        </label>
        <p id="auto-close-hint" class="hint">{w('autoCloseHint')}</p>
        <fieldset>
          <legend>{w('members')}</legend>
          {users.map((u) => (
            <label key={u.id} class="inline">
              <input type="checkbox" name="members" value={u.id} defaultChecked={d ? d.members.some((m) => m.id === u.id) : false} /> {u.name} ({u.email})
            </label>
          ))}
        </fieldset>
        <label class="inline">
          <input type="checkbox" name="rating" defaultChecked={rated} /> {w('ratingOnClose')}
        </label>
        {!ratings?.publicUrl && <p class="hint">{w('ratingNeedsUrl')}</p>}
        <fieldset>
          <legend>{w('channelOverride')}</legend>
          {OVERRIDES.map((key) => {
            const v = d?.channel?.[key];
            const now = v === undefined ? '' : v ? 'on' : 'off';
            // `selected` on the option: an uncontrolled select keeps what the admin picks.
            return (
              <label key={key}>
                {w(key)}
                <select name={key}>
                  {(['', 'on', 'off'] as const).map((o) => <option key={o} value={o} selected={o === now}>{w(o ? o : 'followOrg')}</option>)}
                </select>
              </label>
            );
          })}
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">{d ? w('save') : w('add')}</button>
          {d && <button type="button" onClick={() => setEditing(null)}>{w('cancel')}</button>}
        </div>
      </form>
    );
  };

  const edited = items?.find((d) => d.id === editing) ?? null;
  return (
    <section aria-labelledby="departments-title">
      <h2 id="departments-title">{w('departments')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ListTable head={[w('name'), w('members'), w('autoCloseShort'), w('ratingShort')]} actions={w('actions')}>
        {(items ?? []).map((d) => (
          <tr key={d.id}>
            <th scope="row">{d.name}</th>
            <td>{d.members.map((m) => m.name).join(', ') || '—'}</td>
            <td>{d.autoCloseDays ?? w('deskDefault')}</td>
            <td>{(ratings?.departments ?? []).includes(d.id) ? w('yes') : w('no')}</td>
            <td><button type="button" aria-label={w('editOf', { name: d.name })} onClick={() => setEditing(d.id)}>{w('editButton')}</button></td>
          </tr>
        ))}
      </ListTable>
      {edited ? form(edited) : form(null)}
    </section>
  );
}
