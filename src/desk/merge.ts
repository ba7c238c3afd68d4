import type { FullTicket } from './types.js';

// Merging two tickets about the same matter: the source's messages, participants and tags
// move into the target; the source stays as a pointer, so its number keeps working.

export type MergeRefusal = { code: 'same_ticket' | 'already_merged'; message: string };

export function mergeRefusal(source: FullTicket, target: FullTicket): MergeRefusal | null {
  if (source.number === target.number) return { code: 'same_ticket', message: 'A ticket cannot be merged into itself.' };
  if (source.mergedInto !== undefined) return { code: 'already_merged', message: `Ticket #${source.number} was merged into #${source.mergedInto} already.` };
  return null;
}

/** The two records after the merge: the target that absorbs, the source that points at it. */
export function mergeTickets(source: FullTicket, target: FullTicket, now: number): { target: FullTicket; source: FullTicket } {
  const union = <T>(a: T[], b: T[]) => [...new Set([...a, ...b])];
  return {
    target: {
      ...target,
      participants: union(target.participants, source.participants),
      tags: union(target.tags, source.tags),
      flags: union(target.flags, source.flags),
      linkedTickets: union(target.linkedTickets, source.linkedTickets).filter((n) => n !== target.number && n !== source.number),
      links: [...target.links, ...source.links.filter((l) => !target.links.some((t) => t.type === l.type && t.id === l.id))],
      messageCount: target.messageCount + source.messageCount,
      updatedAt: now,
    },
    source: { ...source, mergedInto: target.number, status: 'closed', closedAt: source.closedAt ?? now, statusChangedAt: now, updatedAt: now, messageCount: 0 },
  };
}
