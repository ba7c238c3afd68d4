import type { Address } from '../desk/types.js';

/**
 * "#original_sender customer@example.com" (or "{customer@example.com}") on the first
 * non-empty line of a mail an agent forwards to support makes that customer the requester,
 * as FreeScout's and Zoho's forwarding commands do.
 */
export function originalSender(text: string): Address | null {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const m = /^\s*#original_sender\s*[:=]?\s*\{?\s*(?:"?([^"<{}]*?)"?\s*<)?([^\s<>{}@]+@[^\s<>{}@]+\.[^\s<>{}@]+|[^\s<>{}@]+@localhost)>?\s*\}?\s*$/i.exec(firstLine);
  if (!m) return null;
  return { email: m[2]!.toLowerCase(), name: (m[1] ?? '').trim() };
}
