import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { FieldProblem, problemOf, refusedPath } from './shared.js';
import { useWords } from './words.js';

// The list of src/desk/webhooks.ts (WEBHOOK_EVENTS), which the panel cannot import: it sits
// beside node:crypto. The API refuses an event it does not know, so a stale list shows.
export const EVENTS = ['ticket.created', 'ticket.updated', 'message.received', 'message.sent', 'rating.received'] as const;
export type WebhookEvent = (typeof EVENTS)[number];

export interface Hook {
  id: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
}

type Field = 'url' | 'events';

/**
 * Changes a webhook's URL and events (PATCH /webhooks/:id). The secret is not part of it:
 * the server never answers it back, and leaving it out of the request keeps it as it is, so
 * the receiver goes on checking signatures with the secret it was given at creation.
 */
export function WebhookEditForm({ hook, onDone }: { hook: Hook; onDone: (saved: boolean) => void }) {
  const w = useWords();
  const [url, setUrl] = useState(hook.url);
  const [events, setEvents] = useState<WebhookEvent[]>(hook.events);
  const [problem, setProblem] = useState<{ field: Field | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = `webhook-edit-${hook.id}`;

  const save = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      await api(`/webhooks/${hook.id}`, { method: 'PATCH', json: { url: url.trim(), events } });
      onDone(true);
    } catch (err) {
      const path = refusedPath(err)?.split('/')[0];
      const field = path === 'url' || path === 'events' ? path : null;
      setProblem({ field, message: (err as Error).message });
      document.getElementById(`${titleId}-${field ?? 'url'}`)?.focus();
    } finally {
      setBusy(false);
    }
  };
  const text = (f: Field) => (problem?.field === f ? problem.message : '');
  const toggle = (ev: WebhookEvent, on: boolean) => setEvents((list) => (on ? [...list.filter((x) => x !== ev), ev] : list.filter((x) => x !== ev)));

  return (
    <form class="admin-form" onSubmit={save} aria-labelledby={titleId}>
      <h3 id={titleId}>{w('editOf', { name: hook.url })}</h3>
      <p class="hint">{w('webhookSecretKept')}</p>
      {problem && !problem.field && <p class="error" role="alert">{problem.message}</p>}
      {/* No `type="url"` or `required`: the server's own refusal is what shows on the field. */}
      <label for={`${titleId}-url`}>URL</label>
      <input id={`${titleId}-url`} type="text" inputMode="url" value={url} {...problemOf(`${titleId}-url-error`, text('url'))} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
      <FieldProblem id={`${titleId}-url-error`} text={text('url')} />
      <fieldset id={`${titleId}-events`} tabIndex={-1} {...problemOf(`${titleId}-events-error`, text('events'))}>
        <legend>{w('events')}</legend>
        {EVENTS.map((ev) => (
          <label key={ev} class="inline">
            <input type="checkbox" checked={events.includes(ev)} onChange={(e) => toggle(ev, (e.currentTarget as HTMLInputElement).checked)} /> {ev}
          </label>
        ))}
        <FieldProblem id={`${titleId}-events-error`} text={text('events')} />
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>{w('save')}</button>
        <button type="button" onClick={() => onDone(false)}>{w('cancel')}</button>
      </div>
    </form>
  );
}
