import { useEffect, useRef } from 'preact/hooks';

/**
 * Single-key shortcuts (j, k, o, /...) for the screen that uses them. They stay quiet while
 * the agent types in a field, and ignore keys pressed with Ctrl, Alt or Meta (browser ones).
 */
export function useKeys(bindings: Record<string, () => void>): void {
  const latest = useRef(bindings);
  latest.current = bindings;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
      // Enter on a button or link already does what it says.
      if (e.key === 'Enter' && target.closest('button, a')) return;
      const fn = latest.current[e.key];
      if (!fn) return;
      e.preventDefault();
      fn();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
