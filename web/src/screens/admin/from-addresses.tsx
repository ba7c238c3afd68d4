import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { changer, field, ListTable, useList } from './shared.js';
import { useWords } from './words.js';

interface FromAddress {
  id: string;
  address: string;
  name: string;
  enabled: boolean;
  isDefault: boolean;
  relay: { host: string; port: number; security: 'plain' | 'ssl' | 'starttls'; username?: string; allowSelfSigned: boolean; hasPassword: boolean };
}

const SECURITIES = ['plain', 'ssl', 'starttls'] as const;

/** The addresses replies leave from, each with its relay; "Test connection" says in one sentence what works. */
export function FromAddresses() {
  const w = useWords();
  const { items, error, setError, reload } = useList<FromAddress>('/from-addresses');
  const [editing, setEditing] = useState<FromAddress | 'new' | null>(null);
  const [tests, setTests] = useState<Record<string, { ok: boolean; message: string } | 'testing'>>({});
  const run = changer(setError, reload);

  const test = async (f: FromAddress) => {
    setTests((t) => ({ ...t, [f.id]: 'testing' }));
    const result = await api<{ ok: boolean; message: string }>(`/from-addresses/${f.id}/test`, { method: 'POST', json: {} }).catch((err: Error) => ({ ok: false, message: err.message }));
    setTests((t) => ({ ...t, [f.id]: result }));
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const password = field(form, 'password');
    const relay = {
      host: field(form, 'host'),
      port: Number(field(form, 'port')),
      security: field(form, 'security'),
      username: field(form, 'username'),
      allowSelfSigned: data.get('selfSigned') === 'on',
      // Write-only: an edit with the field left empty keeps the stored password.
      ...(password || editing === 'new' ? { password } : {}),
    };
    const body = { address: field(form, 'address'), name: field(form, 'name'), enabled: data.get('enabled') === 'on', relay };
    const ok = await run(() => (editing === 'new' ? api('/from-addresses', { method: 'POST', json: body }) : api(`/from-addresses/${(editing as FromAddress).id}`, { method: 'PATCH', json: body })));
    if (ok) setEditing(null);
  };

  const current = editing === 'new' ? null : editing;
  return (
    <section aria-labelledby="from-title">
      <h2 id="from-title">{w('from')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ListTable head={[w('address'), w('relayHost'), w('security'), w('enabled')]} actions={w('test')}>
        {(items ?? []).map((f) => {
          const result = tests[f.id];
          return (
            <tr key={f.id}>
              <th scope="row">{f.name ? `${f.name} <${f.address}>` : f.address}{f.isDefault && <span class="chip"> {w('isDefault')}</span>}</th>
              <td>{f.relay.host}:{f.relay.port}</td>
              <td>{w(f.relay.security)}</td>
              <td>{f.enabled ? w('yes') : w('no')}</td>
              <td class="row-actions">
                <button type="button" aria-label={w('testOf', { address: f.address })} onClick={() => test(f)}>{w('test')}</button>{' '}
                <button type="button" aria-label={w('edit', { address: f.address })} onClick={() => setEditing(f)}>{w('editButton')}</button>
                {result && (
                  <p role="status" class={result === 'testing' ? 'testing' : result.ok ? 'ok' : 'error'} data-test-result={result === 'testing' ? 'testing' : result.ok ? 'ok' : 'failed'}>
                    {result === 'testing' ? w('testing') : result.message}
                  </p>
                )}
              </td>
            </tr>
          );
        })}
      </ListTable>
      {editing === null && <button type="button" onClick={() => setEditing('new')}>{w('addFrom')}</button>}
      {editing !== null && (
        <form class="admin-form" onSubmit={save} aria-labelledby="from-form-title" key={current?.id ?? 'new'}>
          <h3 id="from-form-title">{current ? w('edit', { address: current.address }) : w('addFrom')}</h3>
          <label>{w('address')}<input name="address" type="email" required defaultValue={current?.address} /></label>
          <label>{w('name')}<input name="name" type="text" defaultValue={current?.name} /></label>
          <label>{w('relayHost')}<input name="host" type="text" required defaultValue={current?.relay.host} /></label>
          <label>{w('relayPort')}<input name="port" type="number" min={1} max={65535} required defaultValue={String(current?.relay.port ?? 587)} /></label>
          <label>
            {w('security')}
            <select name="security">{SECURITIES.map((s) => <option key={s} value={s} selected={s === (current?.relay.security ?? 'starttls')}>{w(s)}</option>)}</select>
          </label>
          <label>{w('username')}<input name="username" type="text" autoComplete="off" defaultValue={current?.relay.username ?? ''} /></label>
          <label>{current?.relay.hasPassword ? w('passwordKept') : w('password')}<input name="password" type="password" autoComplete="new-password" /></label>
          <label class="inline"><input name="selfSigned" type="checkbox" defaultChecked={current?.relay.allowSelfSigned ?? false} /> {w('selfSigned')}</label>
          <label class="inline"><input name="enabled" type="checkbox" defaultChecked={current?.enabled ?? true} /> {w('enabled')}</label>
          <div class="actions">
            <button type="submit" class="primary">{w('save')}</button>
            <button type="button" onClick={() => setEditing(null)}>{w('cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
