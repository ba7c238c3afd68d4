import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { ComposeKind } from './recipients.js';

export interface DraftFields {
  kind: ComposeKind;
  text: string;
  to: string;
  cc: string;
  bcc: string;
  from: string;
  private: boolean;
}

// Saving on every key would write to the server for every letter typed; a short pause is
// enough to lose at most a few words.
const SAVE_DELAY_MS = 800;

/**
 * Keeps the composer in the agent's draft on the server (PUT /tickets/:n/draft) and reads it
 * back when the ticket opens. Returns the saved draft once loaded (null: none) and the state
 * of the last save for the status line.
 */
export function useDraft(number: number, fields: DraftFields | null): { loaded: DraftFields | null | undefined; saved: 'idle' | 'saving' | 'saved' | 'error'; discard: () => Promise<void> } {
  const [loaded, setLoaded] = useState<DraftFields | null | undefined>(undefined);
  const [saved, setSaved] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const last = useRef('');

  useEffect(() => {
    setLoaded(undefined);
    api<DraftFields>(`/tickets/${number}/draft`).then(
      (d) => {
        last.current = JSON.stringify(pick(d));
        setLoaded(pick(d));
      },
      () => setLoaded(null),
    );
  }, [number]);

  useEffect(() => {
    if (!fields || loaded === undefined) return;
    const body = JSON.stringify(fields);
    if (body === last.current) return;
    const timer = setTimeout(() => {
      // Emptied by hand: nothing is left worth keeping, so no draft stays behind either.
      if (!fields.text.trim()) {
        if (last.current) void discard();
        return;
      }
      setSaved('saving');
      api(`/tickets/${number}/draft`, { method: 'PUT', json: fields }).then(
        () => {
          last.current = body;
          setSaved('saved');
        },
        () => setSaved('error'),
      );
    }, SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [number, fields && JSON.stringify(fields), loaded]);

  const discard = async () => {
    last.current = '';
    setSaved('idle');
    await api(`/tickets/${number}/draft`, { method: 'DELETE' }).catch(() => undefined);
  };
  return { loaded, saved, discard };
}

function pick(d: DraftFields): DraftFields {
  return { kind: d.kind, text: d.text, to: d.to, cc: d.cc, bcc: d.bcc, from: d.from, private: d.private };
}
