import { Batch, pad, type Db } from './db.js';
import { parseQuery, termsOf } from '../desk/search-terms.js';
import { withTicketDefaults, type FullTicket, type Message, type Ticket } from '../desk/types.js';
import type { TicketPage } from './tickets.js';

// The full-text index: sublevel `fts`, key `<term>:<ticket no>` → ''. A ticket is listed
// under every term of its subject, number and requester, and of its messages' bodies,
// senders and recipients (names and addresses) and attachment file names.
//
// Postings are only ever added. A term that left a ticket (a message moved by a merge, a
// purged ticket) keeps pointing at it until the next rebuild; reads skip postings whose
// ticket is gone or merged, so the cost is a few bytes and, rarely, a ticket that matches
// a word it no longer holds.

const NO_WIDTH = 10;
/** Sorts after every term that begins with a prefix (U+10FFFF is the largest code point). */
const AFTER_PREFIX = '\u{10FFFF}';

const posting = (term: string, number: number) => `${term}:${pad(number, NO_WIDTH)}`;

function addTerms(db: Db, batch: Batch, number: number, terms: Set<string>): void {
  for (const term of terms) batch.put(db.sub.fts, posting(term, number), '');
}

function ticketTerms(t: Ticket): Set<string> {
  return termsOf(t.subject, String(t.number), t.requester.name, t.requester.email);
}

/** Called by putTicket: only when what is indexed changed, so status changes write nothing. */
export function indexTicket(db: Db, batch: Batch, ticket: Ticket, previous?: Ticket): void {
  if (previous && previous.subject === ticket.subject && previous.requester.email === ticket.requester.email && previous.requester.name === ticket.requester.name) return;
  addTerms(db, batch, ticket.number, ticketTerms(ticket));
}

function messageTerms(m: Message): Set<string> {
  const people = [m.from, ...m.to, ...m.cc, ...(m.replyTo ?? [])].flatMap((a) => [a.name, a.email]);
  return termsOf(m.subject, m.text, ...people, ...m.attachments.map((a) => a.filename));
}

/** Called by putMessage. */
export function indexMessage(db: Db, batch: Batch, message: Message): void {
  addTerms(db, batch, message.ticketNumber, messageTerms(message));
}

/** Ticket numbers listed under one term, or under every term beginning with a prefix. */
async function numbersOf(db: Db, term: string, asPrefix: boolean): Promise<Set<number>> {
  const range = asPrefix ? { gte: term, lt: term + AFTER_PREFIX } : { gte: `${term}:`, lt: `${term}:~` };
  const keys = await db.keys(db.sub.fts, range);
  return new Set(keys.map((k) => Number(k.slice(-NO_WIDTH))));
}

/** Tickets read per store round trip while walking the matches. */
const CHUNK = 100;

/**
 * Tickets holding every term of `text` (the last one as a prefix), newest ticket first.
 * `match` filters what the index cannot (visibility, status, views). The cursor is the
 * number of the last ticket returned.
 */
export async function searchTickets(db: Db, opts: { text: string; limit: number; cursor?: string; match?: (t: FullTicket) => boolean }): Promise<TicketPage> {
  const { words, prefix } = parseQuery(opts.text);
  if (prefix === null) return { items: [], nextCursor: null };
  const sets = await Promise.all([...words.map((w) => numbersOf(db, w, false)), numbersOf(db, prefix, true)]);
  sets.sort((a, b) => a.size - b.size);
  const below = /^s:\d+$/.test(opts.cursor ?? '') ? Number(opts.cursor!.slice(2)) : Infinity;
  const numbers = [...sets[0]!].filter((n) => n < below && sets.every((s) => s.has(n))).sort((a, b) => b - a);
  const items: FullTicket[] = [];
  for (let i = 0; i < numbers.length; i += CHUNK) {
    const chunk = numbers.slice(i, i + CHUNK);
    const stored = (await db.sub.ticket.getMany(chunk.map((n) => pad(n, NO_WIDTH)))) as Array<Ticket | undefined>;
    for (let j = 0; j < chunk.length; j++) {
      const s = stored[j];
      if (!s || s.mergedInto !== undefined) continue;
      const t = withTicketDefaults(s);
      if (opts.match && !opts.match(t)) continue;
      items.push(t);
      if (items.length === opts.limit) {
        const more = i + j + 1 < numbers.length;
        return { items, nextCursor: more ? `s:${t.number}` : null };
      }
    }
  }
  return { items, nextCursor: null };
}

/** Bump when termsOf or the key layout changes: the next start rebuilds the index. */
const SEARCH_INDEX_VERSION = 1;
const WRITE_EVERY = 500;

/** Rebuilds the full-text index from tickets and messages when its version changed. */
export async function rebuildSearchIndex(db: Db): Promise<number> {
  if ((await db.get<number>(db.sub.meta, 'fts:version')) === SEARCH_INDEX_VERSION) return 0;
  await db.sub.fts.clear();
  let count = 0;
  let batch = new Batch();
  const flush = async () => {
    if (++count % WRITE_EVERY !== 0) return;
    await db.commit(batch, false);
    batch = new Batch();
  };
  for await (const t of db.sub.ticket.values()) {
    if ((t as Ticket).mergedInto !== undefined) continue;
    addTerms(db, batch, (t as Ticket).number, ticketTerms(t as Ticket));
    await flush();
  }
  for await (const m of db.sub.msg.values()) {
    indexMessage(db, batch, m as Message);
    await flush();
  }
  batch.put(db.sub.meta, 'fts:version', SEARCH_INDEX_VERSION);
  await db.commit(batch);
  return count;
}
