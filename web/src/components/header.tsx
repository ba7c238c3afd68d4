import { api, type Me } from '../api.js';
import { LANGUAGES, useI18n, type Language } from '../i18n.js';
import { useLiveState } from '../live.js';
import { followLink } from '../router.js';

export function Header({ me, onLanguage, onLoggedOut }: { me: Me | null; onLanguage: (l: Language) => void; onLoggedOut: () => void }) {
  const { t, lang } = useI18n();
  const live = useLiveState();
  const logout = async () => {
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
    onLoggedOut();
  };
  return (
    <header class="bar">
      <a class="brand" href="/" onClick={followLink}>{t('app.name')}</a>
      {me && (
        <span class={`live ${live ? 'on' : 'off'}`} role="status" data-live={live ? 'on' : 'off'}>
          {live ? t('app.live') : t('app.offline')}
        </span>
      )}
      <span class="grow" />
      <label class="language">
        <span class="sr-only">{t('app.language')}</span>
        <select value={lang} onChange={(e) => onLanguage((e.currentTarget as HTMLSelectElement).value as Language)}>
          {Object.entries(LANGUAGES).map(([code, l]) => <option value={code} key={code}>{l.name}</option>)}
        </select>
      </label>
      {me && (
        <>
          {me.role === 'admin' && <a href="/admin/support-addresses" onClick={followLink}>{t('app.admin')}</a>}
          <span class="who" title={me.email}>{me.name || me.email}</span>
          <a href="/preferences" onClick={followLink}>{t('app.preferences')}</a>
          <button type="button" onClick={logout}>{t('app.logout')}</button>
        </>
      )}
    </header>
  );
}
