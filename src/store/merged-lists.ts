import type { Db } from './db.js';
import { fillTicketDefaults, type FullTicket, type Ticket } from '../desk/types.js';
import type { IndexRange, TicketPage } from './tickets.js';

// One list from several index ranges of the same shape (<prefix><updatedAt>:<number>), newest
// first: "open tickets of my three departments" reads three department ranges side by side
// instead of every open ticket. Cursors are the shared suffix, prefixed with 'm:'.

const CHUNK = 50;

interface Stream {
  range: IndexRange;
  buffer: string[];
  /** The lowest suffix read so far: the next read continues below it. */
  below: string | null;
  exhausted: boolean;
}

export async function listTicketsMerged(
  db: Db,
  opts: { ranges: IndexRange[]; limit: number; cursor?: string; match?: (t: FullTicket) => boolean },
): Promise<TicketPage> {
  const start = opts.cursor?.startsWith('m:') ? opts.cursor.slice(2) : null;
  const streams: Stream[] = opts.ranges.map((range) => ({ range, buffer: [], below: start, exhausted: false }));
  const fill = async (s: Stream) => {
    if (s.buffer.length || s.exhausted) return;
    const lt = s.below === null ? s.range.lt : s.range.gte + s.below;
    const keys = await db.keys(db.sub.tidx, { gte: s.range.gte, lt, reverse: true, limit: CHUNK });
    s.buffer = keys.map((k) => k.slice(s.range.gte.length));
    if (keys.length < CHUNK) s.exhausted = true;
    if (s.buffer.length) s.below = s.buffer[s.buffer.length - 1]!;
  };
  /** The next suffixes in merged order, up to `n`. */
  const take = async (n: number) => {
    const out: string[] = [];
    while (out.length < n) {
      await Promise.all(streams.map(fill));
      let best: Stream | null = null;
      for (const s of streams) if (s.buffer.length && (!best || s.buffer[0]! > best.buffer[0]!)) best = s;
      if (!best) break;
      out.push(best.buffer.shift()!);
    }
    return out;
  };

  const items: FullTicket[] = [];
  for (;;) {
    const suffixes = await take(Math.max(opts.limit * 2, CHUNK));
    if (suffixes.length === 0) return { items, nextCursor: null };
    const tickets = (await db.sub.ticket.getMany(suffixes.map((k) => k.slice(k.lastIndexOf(':') + 1)))) as Array<Ticket | undefined>;
    for (let i = 0; i < suffixes.length; i++) {
      const stored = tickets[i];
      if (!stored) continue;
      const t = fillTicketDefaults(stored);
      if (opts.match && !opts.match(t)) continue;
      items.push(t);
      if (items.length === opts.limit) {
        // More rows exist when this batch has some left or any range has more to read.
        const cursor = suffixes[i]!;
        const more = i < suffixes.length - 1 || (await Promise.all(streams.map(fill)), streams.some((s) => s.buffer.length > 0));
        return { items, nextCursor: more ? `m:${cursor}` : null };
      }
    }
  }
}
