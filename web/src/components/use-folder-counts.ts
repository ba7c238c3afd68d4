import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useTicketEvents } from '../live.js';
import type { Folder } from './folders.js';

// A burst of mail sends many events; the counts follow at most this often.
const AT_MOST_EVERY_MS = 1_000;

/**
 * The folder counts for the status tab shown, kept current by the live events; `reload` is
 * for changes no event reports (the agent's own stars and drafts).
 */
export function useFolderCounts(status: string): { counts: Partial<Record<Folder, number>> | null; reload: () => void } {
  const [counts, setCounts] = useState<Partial<Record<Folder, number>> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const load = () => {
    const q = status === 'all' ? '' : `?status=${status}`;
    api<{ counts: Partial<Record<Folder, number>> }>(`/tickets/counts${q}`).then((r) => setCounts(r.counts), () => undefined);
  };
  useEffect(load, [status]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  useTicketEvents(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      load();
    }, AT_MOST_EVERY_MS);
  });
  return { counts, reload: load };
}
