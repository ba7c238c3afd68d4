import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';

export interface Department {
  id: string;
  name: string;
}

/** A list from the API, reloaded after each change; the error in words. */
export function useList<T>(path: string): { items: T[] | null; error: string; setError: (e: string) => void; reload: () => Promise<void> } {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState('');
  const reload = useCallback(async () => {
    try {
      setItems((await api<{ items: T[] }>(path)).items);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [path]);
  useEffect(() => void reload(), [reload]);
  return { items, error, setError, reload };
}

/** Runs a change, shows its error if it fails, and reloads the list either way. */
export function changer(setError: (e: string) => void, reload: () => Promise<void>) {
  return async (fn: () => Promise<unknown>): Promise<boolean> => {
    setError('');
    try {
      await fn();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      await reload();
    }
  };
}

export const field = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? '').trim();

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent' | 'basic';
  departments: string[];
  active: boolean;
}

export const fieldNumber = (form: HTMLFormElement, name: string): number | null => {
  const v = field(form, name);
  return v === '' ? null : Number(v);
};

/**
 * A secret the server shows once (API token, webhook signing secret): in a live region so a
 * screen reader announces it, selectable as one piece, with the warning that it will not
 * come back.
 */
export function SecretOnce({ label, value, warning }: { label: string; value: string; warning: string }) {
  return (
    <div class="secret card" role="status">
      <p><strong>{label}</strong></p>
      <p><code data-secret>{value}</code></p>
      <p class="hint">{warning}</p>
    </div>
  );
}

/**
 * A list as a table that scrolls sideways inside its own box on a phone. `actions` names a
 * last column of buttons for screen readers (it has no visible heading).
 */
export function ListTable({ head, actions, children }: { head: string[]; actions?: string; children: ComponentChildren }) {
  return (
    <div class="scroll">
      <table class="admin-table">
        <thead>
          <tr>
            {head.map((h) => <th key={h} scope="col">{h}</th>)}
            {actions && <th scope="col"><span class="sr-only">{actions}</span></th>}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/**
 * The body field a refusal of the API is about, as the path it names ("url", "events/0",
 * "escalations/1/at"): schema refusals and the routes' own checks both say "body/<path> …".
 * Null when it names none, and the form shows the message on the whole form instead.
 */
export function refusedPath(err: unknown): string | null {
  return /\bbody\/([\w/]+)/.exec((err as Error)?.message ?? '')?.[1] ?? null;
}

/** A field's problem under it, tied to the control by aria-describedby (see `problemOf`). */
export function FieldProblem({ id, text }: { id: string; text: string }) {
  return text ? <span class="field-error" id={id}>{text}</span> : null;
}

/** The attributes a control takes while `text` says what is wrong with it. */
export const problemOf = (id: string, text: string) => (text ? { 'aria-invalid': true, 'aria-describedby': id } : {});
