import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, maySend, whenUnauthorised, type Me } from './api.js';
import { I18n, initialLanguage, saveLanguage, translator, type Language } from './i18n.js';
import { usePath } from './router.js';
import { startLive, stopLive } from './live.js';
import { Header } from './components/header.js';
import { Login } from './screens/login.js';
import { Inbox } from './screens/inbox.js';
import { TicketPage } from './screens/ticket.js';
import { NewMail } from './screens/new-mail.js';

type AdminModule = typeof import('./screens/admin/admin.js');
let adminModule: Promise<AdminModule> | undefined;
type PreferencesModule = typeof import('./screens/preferences.js');
let preferencesModule: Promise<PreferencesModule> | undefined;

export function App() {
  const [lang, setLang] = useState<Language>(initialLanguage);
  // undefined while we ask the server whether the session cookie is still good.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const path = usePath();
  const i18n = useMemo(() => ({ lang, t: translator(lang) }), [lang]);

  useEffect(() => {
    whenUnauthorised(() => setMe(null));
    api<{ user: Me }>('/auth/me').then((r) => setMe(r.user), () => setMe(null));
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    if (me) startLive();
    else stopLive();
  }, [me]);
  // The language the user chose follows them to every browser they log in from.
  useEffect(() => {
    if (me?.language && me.language !== lang) {
      saveLanguage(me.language);
      setLang(me.language);
    }
  }, [me?.id, me?.language]);

  const chooseLanguage = (next: Language) => {
    saveLanguage(next);
    setLang(next);
    if (me) {
      setMe({ ...me, language: next });
      api('/users/me', { method: 'PATCH', json: { language: next } }).catch(() => undefined);
    }
  };

  const ticket = /^\/tickets\/(\d+)$/.exec(path);
  const admin = /^\/admin(?:\/([a-z-]+))?$/.exec(path);
  // The admin screens are their own chunk, fetched the first time an admin opens them.
  const [adminScreens, setAdminScreens] = useState<AdminModule | null>(null);
  useEffect(() => {
    if (admin && me?.role === 'admin' && !adminScreens) void (adminModule ??= import('./screens/admin/admin.js')).then(setAdminScreens);
  }, [admin?.[0], me]);
  // Preferences: its own small chunk too, for every role.
  const [preferencesScreen, setPreferencesScreen] = useState<PreferencesModule | null>(null);
  useEffect(() => {
    if (path === '/preferences' && me && !preferencesScreen) void (preferencesModule ??= import('./screens/preferences.js')).then(setPreferencesScreen);
  }, [path, me]);
  let screen;
  if (me === undefined) screen = <p class="loading">{i18n.t('app.loading')}</p>;
  else if (me === null) screen = <Login onLoggedIn={setMe} />;
  else if (admin && me.role === 'admin') screen = adminScreens ? <adminScreens.Admin section={admin[1] ?? ''} /> : <p class="loading">{i18n.t('app.loading')}</p>;
  else if (path === '/preferences') screen = preferencesScreen ? <preferencesScreen.Preferences onLanguage={chooseLanguage} /> : <p class="loading">{i18n.t('app.loading')}</p>;
  else if (path === '/new' && maySend(me)) screen = <NewMail />;
  else if (ticket) screen = <TicketPage number={Number(ticket[1])} me={me} />;
  else screen = <Inbox me={me} />;

  return (
    <I18n.Provider value={i18n}>
      <a class="skip" href="#main">{i18n.t('app.skip')}</a>
      <Header me={me ?? null} onLanguage={chooseLanguage} onLoggedOut={() => setMe(null)} />
      <main id="main" tabIndex={-1}>{screen}</main>
    </I18n.Provider>
  );
}
