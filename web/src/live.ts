import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';

export interface TicketEvent {
  type: 'ticket';
  ticketNumber: number;
  reason: string;
}

type Listener = (event: TicketEvent | null) => void;

// One EventSource for the whole panel, shared by the screens that listen.
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let wanted = false;
let connected = false;
// The browser retries a dropped stream by itself; a refused one (401, 5xx) it gives up on.
const REOPEN_AFTER_MS = 5_000;
const stateListeners = new Set<(up: boolean) => void>();

function setConnected(up: boolean) {
  connected = up;
  for (const fn of stateListeners) fn(up);
}

export function startLive(): void {
  wanted = true;
  if (source) return;
  source = new EventSource('/api/v1/events');
  source.addEventListener('open', () => {
    setConnected(true);
    // Whatever changed while we were not listening: screens reload (null = "catch up").
    for (const fn of listeners) fn(null);
  });
  source.addEventListener('error', () => {
    setConnected(false);
    if (source?.readyState !== EventSource.CLOSED) return;
    source = null;
    // Ask why: a 401 here sends the app back to the login screen (and stopLive).
    void api('/auth/me').catch(() => undefined);
    setTimeout(() => wanted && startLive(), REOPEN_AFTER_MS);
  });
  source.addEventListener('ticket', (e) => {
    const event = JSON.parse((e as MessageEvent<string>).data) as TicketEvent;
    for (const fn of listeners) fn(event);
  });
}

export function stopLive(): void {
  wanted = false;
  source?.close();
  source = null;
  setConnected(false);
}

/** Calls fn on each ticket event, and with null after (re)connecting. */
export function useTicketEvents(fn: Listener): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    const listener: Listener = (e) => latest.current(e);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
}

export function useLiveState(): boolean {
  const [up, setUp] = useState(connected);
  useEffect(() => {
    stateListeners.add(setUp);
    return () => void stateListeners.delete(setUp);
  }, []);
  return up;
}
