import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { formatDate } from '../../format.js';
import { useI18n } from '../../i18n.js';
import { changer, field, ListTable, SecretOnce, useList, type UserSummary } from './shared.js';
import { useWords } from './words.js';

interface Token {
  id: string;
  name: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/**
 * Personal API tokens (src/http/routes/tokens.ts): made here for the logged-in admin, sent
 * as Authorization: Bearer. The server keeps only a hash, so the token is shown once.
 */
export function Tokens() {
  const w = useWords();
  const { lang } = useI18n();
  const { items, error, setError, reload } = useList<Token>('/tokens');
  const users = useList<UserSummary>('/users').items ?? [];
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  const run = changer(setError, reload);
  const owner = (id: string) => users.find((u) => u.id === id)?.email ?? id;

  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setMade(null);
    const ok = await run(async () => setMade(await api<{ name: string; token: string }>('/tokens', { method: 'POST', json: { name: field(form, 'name') } })));
    if (ok) form.reset();
  };

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">{w('tokens')}</h2>
      <p class="hint">{w('tokensHint')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {made && <SecretOnce label={w('tokenMade', { name: made.name })} value={made.token} warning={w('shownOnce')} />}
      <ListTable head={[w('name'), w('owner'), w('createdAt'), w('lastUsed')]} actions={w('actions')}>
        {(items ?? []).map((t) => (
          <tr key={t.id}>
            <th scope="row">{t.name}</th>
            <td>{owner(t.userId)}</td>
            <td>{formatDate(t.createdAt, lang)}</td>
            <td>{t.lastUsedAt ? formatDate(t.lastUsedAt, lang) : w('never')}</td>
            <td>
              <button type="button" aria-label={w('revokeOf', { name: t.name })} onClick={() => confirm(w('revokeConfirm', { name: t.name })) && run(() => api(`/tokens/${t.id}`, { method: 'DELETE' }))}>
                {w('revoke')}
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      {items?.length === 0 && <p class="empty">{w('noTokens')}</p>}
      <form class="admin-form" onSubmit={add} aria-labelledby="token-add-title">
        <h3 id="token-add-title">{w('addToken')}</h3>
        <label>{w('tokenName')}<input name="name" type="text" required maxLength={100} placeholder="CRM sync" /></label>
        <button type="submit" class="primary">{w('create')}</button>
      </form>
    </section>
  );
}
