import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';
import type { DeskSettings } from '../../../../src/desk/types.js';
import { field, fieldNumber } from './shared.js';
import { useWords, type AdminWord } from './words.js';

interface RatingSettings {
  publicUrl: string;
  linkDays: number;
}

/** The switches of the mail channel (issue 2); each has a sentence saying what it does. */
const SWITCHES: Array<[keyof DeskSettings & AdminWord, AdminWord]> = [
  ['autoCcSupport', 'autoCcSupportHint'],
  ['agentNameInFrom', 'agentNameInFromHint'],
  ['contactFromReplyTo', 'contactFromReplyToHint'],
  ['originalSenderCommand', 'originalSenderCommandHint'],
  ['acknowledge', 'acknowledgeHint'],
];

/** Organisation settings: GET/PATCH /settings and the rating request's /rating-settings. */
export function Settings() {
  const w = useWords();
  const [settings, setSettings] = useState<DeskSettings | null>(null);
  const [ratings, setRatings] = useState<RatingSettings | null>(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<DeskSettings>('/settings').then(setSettings, (err: Error) => setError(err.message));
    api<RatingSettings>('/rating-settings').then(setRatings, (err: Error) => setError(err.message));
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setError('');
    setSaved(false);
    try {
      const next: Partial<DeskSettings> = {
        agentVisibility: field(form, 'agentVisibility') as DeskSettings['agentVisibility'],
        autoCloseDays: fieldNumber(form, 'autoCloseDays') ?? 0,
        reopenWindowDays: fieldNumber(form, 'reopenWindowDays') ?? 0,
      };
      for (const [key] of SWITCHES) (next as Record<string, unknown>)[key] = data.get(key) === 'on';
      setSettings(await api<DeskSettings>('/settings', { method: 'PATCH', json: next }));
      const publicUrl = field(form, 'publicUrl');
      const linkDays = fieldNumber(form, 'linkDays') ?? 14;
      if (publicUrl !== ratings?.publicUrl || linkDays !== ratings?.linkDays) {
        setRatings(await api<RatingSettings>('/rating-settings', { method: 'PATCH', json: { ...(publicUrl ? { publicUrl } : {}), linkDays } }));
      }
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!settings || !ratings) return error ? <p class="error" role="alert">{error}</p> : <p class="loading">…</p>;
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{w('settings')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <form class="admin-form wide" onSubmit={save} aria-labelledby="settings-title">
        <fieldset>
          <legend>{w('channel')}</legend>
          {SWITCHES.map(([key, hint]) => (
            <div key={key} class="switch">
              <label class="inline">
                <input type="checkbox" name={key} defaultChecked={Boolean(settings[key])} aria-describedby={`${key}-hint`} /> {w(key)}
              </label>
              <p id={`${key}-hint`} class="hint">{w(hint)}</p>
            </div>
          ))}
          {/* Not a switch: the reply routes always work this way (src/outbound/reply.ts). */}
          <p class="hint">{w('privateReplies')}</p>
        </fieldset>
        <fieldset>
          <legend>{w('tickets')}</legend>
          <label>
            {w('agentVisibility')}
            <select name="agentVisibility">
              <option value="own" selected={settings.agentVisibility === 'own'}>{w('visibilityOwn')}</option>
              <option value="all" selected={settings.agentVisibility === 'all'}>{w('visibilityAll')}</option>
            </select>
          </label>
          <label>{w('autoCloseDefault')}<input name="autoCloseDays" type="number" min={0} max={365} required defaultValue={String(settings.autoCloseDays)} /></label>
          <label>{w('reopenWindow')}<input name="reopenWindowDays" type="number" min={0} max={3650} required defaultValue={String(settings.reopenWindowDays)} /></label>
        </fieldset>
        <fieldset>
          <legend>{w('ratings')}</legend>
          <label>{w('publicUrl')}<input name="publicUrl" type="url" placeholder="https://help.example.com" defaultValue={ratings.publicUrl} /></label>
          <label>{w('linkDays')}<input name="linkDays" type="number" min={1} max={365} required defaultValue={String(ratings.linkDays)} /></label>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">{w('save')}</button>
          {saved && <p role="status" class="ok">{w('saved')}</p>}
        </div>
      </form>
    </section>
  );
}
