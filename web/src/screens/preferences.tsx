import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { LANGUAGES, useI18n, type Language } from '../i18n.js';
import type { Channels, NotificationEvent } from '../../../src/desk/notifications.js';

// Each user's own settings (every role): which events reach them in the panel and by mail
// (GET/PUT /users/me/notification-preferences), and the panel's language. The language is
// kept in this browser (i18n.ts saveLanguage), as the header's switch does: the server has
// no per-user language. Its own chunk, loaded when opened, so the first load stays small.

const en = {
  title: 'My preferences',
  notifications: 'Notifications',
  notificationsHint: 'Choose, per event, whether it shows in the panel and whether it is also mailed to you.',
  event: 'Event',
  panel: 'In the panel',
  mail: 'By mail',
  panelOf: '{event}: in the panel',
  mailOf: '{event}: by mail',
  language: 'Panel language (in this browser)',
  save: 'Save',
  saved: 'Saved.',
  'event.new-ticket': 'A new ticket in my departments',
  'event.new-reply': 'A customer replies on my ticket',
  'event.comment': 'A comment on my ticket',
  'event.mention': 'Someone mentions me',
  'event.assigned': 'A ticket is assigned to me',
  'event.overdue': 'My ticket is overdue',
  'event.escalated': 'A ticket is escalated to me',
  'event.rated': 'A customer rates my ticket',
};

type Word = keyof typeof en;

const es: Record<Word, string> = {
  title: 'Mis preferencias',
  notifications: 'Notificaciones',
  notificationsHint: 'Elija, para cada evento, si aparece en el panel y si además se le envía por correo.',
  event: 'Evento',
  panel: 'En el panel',
  mail: 'Por correo',
  panelOf: '{event}: en el panel',
  mailOf: '{event}: por correo',
  language: 'Idioma del panel (en este navegador)',
  save: 'Guardar',
  saved: 'Guardado.',
  'event.new-ticket': 'Un tique nuevo en mis departamentos',
  'event.new-reply': 'Un cliente responde en mi tique',
  'event.comment': 'Un comentario en mi tique',
  'event.mention': 'Alguien me menciona',
  'event.assigned': 'Me asignan un tique',
  'event.overdue': 'Mi tique está vencido',
  'event.escalated': 'Me escalan un tique',
  'event.rated': 'Un cliente valora mi tique',
};

interface PreferencesView {
  events: NotificationEvent[];
  preferences: Record<NotificationEvent, Channels>;
}

export function Preferences({ onLanguage }: { onLanguage: (l: Language) => void }) {
  const { lang } = useI18n();
  const words = lang === 'es' ? es : en;
  const w = (key: Word, params: Record<string, string> = {}) => words[key].replace(/\{(\w+)\}/g, (m, n: string) => params[n] ?? m);
  const [view, setView] = useState<PreferencesView | null>(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<PreferencesView>('/users/me/notification-preferences').then(setView, (err: Error) => setError(err.message));
  }, []);

  const toggle = (event: NotificationEvent, channel: keyof Channels, on: boolean) => {
    setSaved(false);
    setView((v) => v && { ...v, preferences: { ...v.preferences, [event]: { ...v.preferences[event], [channel]: on } } });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!view) return;
    setError('');
    setSaved(false);
    try {
      setView(await api<PreferencesView>('/users/me/notification-preferences', { method: 'PUT', json: { preferences: view.preferences } }));
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const eventName = (e: NotificationEvent) => (`event.${e}` in words ? w(`event.${e}` as Word) : e);
  return (
    <section class="preferences" aria-labelledby="preferences-title">
      <h1 id="preferences-title">{w('title')}</h1>
      <label class="field">
        {w('language')}
        <select value={lang} onChange={(e) => onLanguage((e.currentTarget as HTMLSelectElement).value as Language)}>
          {Object.entries(LANGUAGES).map(([code, l]) => <option value={code} key={code}>{l.name}</option>)}
        </select>
      </label>
      <h2 id="notifications-title">{w('notifications')}</h2>
      <p class="hint">{w('notificationsHint')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {view && (
        <form onSubmit={save} aria-labelledby="notifications-title">
          <table class="preferences-table">
            <thead>
              <tr><th scope="col">{w('event')}</th><th scope="col">{w('panel')}</th><th scope="col">{w('mail')}</th></tr>
            </thead>
            <tbody>
              {view.events.map((event) => (
                <tr key={event}>
                  <th scope="row">{eventName(event)}</th>
                  {(['panel', 'mail'] as const).map((channel) => (
                    <td key={channel}>
                      <input
                        type="checkbox" checked={view.preferences[event][channel]}
                        aria-label={w(channel === 'panel' ? 'panelOf' : 'mailOf', { event: eventName(event) })}
                        onChange={(e) => toggle(event, channel, (e.currentTarget as HTMLInputElement).checked)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            <button type="submit" class="primary">{w('save')}</button>
            {saved && <p class="ok" role="status">{w('saved')}</p>}
          </div>
        </form>
      )}
    </section>
  );
}
