import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { formatDate } from '../../format.js';
import { useI18n } from '../../i18n.js';
import { changer, field, ListTable, SecretOnce, useList } from './shared.js';
import { EVENTS, WebhookEditForm, type Hook, type WebhookEvent } from './webhook-edit.js';
import { useWords } from './words.js';

interface DeliveryRow {
  id: string;
  event: WebhookEvent;
  state: 'pending' | 'delivered' | 'failed';
  createdAt: number;
  lastStatus: number | null;
  attempts: Array<{ at: number; status: number | null; error: string | null }>;
}

/** Webhooks (src/http/routes/webhooks.ts): the signing secret is shown once, at creation. */
export function Webhooks() {
  const w = useWords();
  const { lang } = useI18n();
  const { items, error, setError, reload } = useList<Hook>('/webhooks');
  const [made, setMade] = useState<{ url: string; secret: string } | null>(null);
  const [log, setLog] = useState<{ id: string; rows: DeliveryRow[] } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const run = changer(setError, reload);

  const add = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const events = new FormData(form).getAll('events').map(String);
    setMade(null);
    const ok = await run(async () => setMade(await api<{ url: string; secret: string }>('/webhooks', { method: 'POST', json: { url: field(form, 'url'), events } })));
    if (ok) form.reset();
  };
  const showLog = (id: string) => run(async () => setLog({ id, rows: (await api<{ items: DeliveryRow[] }>(`/webhooks/${id}/deliveries`)).items }));
  const logged = items?.find((h) => h.id === log?.id);
  const edited = items?.find((h) => h.id === editing);
  const doneEditing = async (saved: boolean) => {
    setEditing(null);
    if (saved) await reload();
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{w('webhooks')}</h2>
      <p class="hint">{w('webhooksHint')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {made && <SecretOnce label={w('secretOf', { url: made.url })} value={made.secret} warning={w('shownOnce')} />}
      <ListTable head={['URL', w('events'), w('enabled')]} actions={w('actions')}>
        {(items ?? []).map((h) => (
          <tr key={h.id}>
            <th scope="row" class="break">{h.url}</th>
            <td>{h.events.join(', ')}</td>
            <td>
              <input type="checkbox" aria-label={w('enabledOf', { name: h.url })} checked={h.enabled} onChange={(e) => run(() => api(`/webhooks/${h.id}`, { method: 'PATCH', json: { enabled: (e.currentTarget as HTMLInputElement).checked } }))} />
            </td>
            <td class="buttons">
              <button type="button" aria-label={w('editOf', { name: h.url })} onClick={() => (setMade(null), setEditing(h.id))}>{w('editButton')}</button>
              <button type="button" aria-label={w('deliveriesOf', { name: h.url })} onClick={() => showLog(h.id)}>{w('deliveries')}</button>
              <button type="button" aria-label={w('deleteOf', { name: h.url })} onClick={() => confirm(w('deleteConfirm', { name: h.url })) && run(() => api(`/webhooks/${h.id}`, { method: 'DELETE' }))}>{w('delete')}</button>
            </td>
          </tr>
        ))}
      </ListTable>
      {edited && <WebhookEditForm key={edited.id} hook={edited} onDone={doneEditing} />}
      {logged && log && (
        <section aria-labelledby="deliveries-title">
          <h3 id="deliveries-title">{w('deliveriesOf', { name: logged.url })}</h3>
          {log.rows.length === 0 ? (
            <p class="empty">{w('noDeliveries')}</p>
          ) : (
            <table class="admin-table">
              <thead>
                <tr><th scope="col">{w('when')}</th><th scope="col">{w('event')}</th><th scope="col">{w('state')}</th><th scope="col">{w('httpStatus')}</th><th scope="col">{w('attempts')}</th></tr>
              </thead>
              <tbody>
                {log.rows.map((d) => (
                  <tr key={d.id} data-delivery={d.state}>
                    <td>{formatDate(d.createdAt, lang)}</td>
                    <td>{d.event}</td>
                    <td>{w(d.state)}</td>
                    <td>{d.lastStatus ?? d.attempts.at(-1)?.error ?? '—'}</td>
                    <td>{d.attempts.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button type="button" onClick={() => showLog(logged.id)}>{w('refresh')}</button>
        </section>
      )}
      <form class="admin-form" onSubmit={add} aria-labelledby="webhook-add-title">
        <h3 id="webhook-add-title">{w('addWebhook')}</h3>
        <label>URL<input name="url" type="url" required placeholder="https://crm.example.com/hooks/mxdesk" /></label>
        <fieldset>
          <legend>{w('events')}</legend>
          {EVENTS.map((ev) => <label key={ev} class="inline"><input type="checkbox" name="events" value={ev} /> {ev}</label>)}
        </fieldset>
        <button type="submit" class="primary">{w('create')}</button>
      </form>
    </section>
  );
}
