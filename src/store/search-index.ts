import { Batch, pad, type Db } from './db.js';
import { parseQuery, termsOf } from '../desk/search-terms.js';
import { fillTicketDefaults, type FullTicket, type Message, type Ticket } from '../desk/types.js';
import type { TicketPage } from './tickets.js';

// The full-text index: sublevel `fts`, key `<term>:<ticket no>` → ''. A ticket is listed
// under every term of its subject, number and requester, and of its messages' bodies,
// senders and recipients (names and addresses) and attachment file names.
//
// A term leaves a ticket with what held it: a purge removes all of the ticket's postings, a
// split those only the moved message held. A merged ticket keeps its postings (its messages
// are indexed again under the ticket they went into); reads skip postings of merged or
// missing tickets, and every filter (status, tags, assignee, department, Trash) is checked
// against the ticket as stored now, so a field change shows in results at once.

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

/**
 * A message left the ticket (split off): its words no longer find the ticket, unless the
 * ticket's own fields or a message that stays holds them too.
 */
export function unindexMovedMessage(db: Db, batch: Batch, ticket: Ticket, moved: Message, remaining: Message[]): void {
  const kept = ticketTerms(ticket);
  for (const m of remaining) for (const t of messageTerms(m)) kept.add(t);
  for (const term of messageTerms(moved)) if (!kept.has(term)) batch.del(db.sub.fts, posting(term, ticket.number));
}

/** Removes every posting of a ticket and of the messages given (a purge: all of them). */
export function unindexTicket(db: Db, batch: Batch, ticket: Ticket, messages: Message[]): void {
  const terms = ticketTerms(ticket);
  for (const m of messages) for (const t of messageTerms(m)) terms.add(t);
  for (const term of terms) batch.del(db.sub.fts, posting(term, ticket.number));
}

/** The highest ticket number a key can hold (NO_WIDTH digits). */
const TOP = 10 ** NO_WIDTH - 1;

/**
 * One term's tickets, newest (highest number) first, read from the store a chunk at a time,
 * so a word found in every ticket costs what the page needs, not the whole posting list.
 */
class Postings {
  private buffered: number[] = [];
  private exhausted = false;
  /**
   * `chunk`: the first read. A word walked alone reads 64; the words of a prefix, walked
   * side by side, read a few each, since together they fill the page (64 words × 64 keys
   * was most of a search's cost and garbage at 100k tickets).
   */
  constructor(private readonly db: Db, private readonly term: string, private below: number, private chunk = 64) {}

  /** Where the unread part of `buffered` starts. */
  private at = 0;

  /** True when the next peek must read from the store. */
  get drained(): boolean {
    return this.at === this.buffered.length && !this.exhausted;
  }

  /** The newest number not skipped, when known without a read (see drained). */
  head(): number | null {
    return this.buffered[this.at] ?? null;
  }

  async peek(): Promise<number | null> {
    if (this.drained) {
      const keys = await this.db.keys(this.db.sub.fts, { gte: `${this.term}:`, lt: posting(this.term, this.below), reverse: true, limit: this.chunk });
      this.exhausted = keys.length < this.chunk;
      this.chunk = Math.min(this.chunk * 4, 4096);
      this.buffered = keys.map((k) => Number(k.slice(-NO_WIDTH)));
      this.at = 0;
      if (this.buffered.length) this.below = this.buffered.at(-1)!;
    }
    return this.head();
  }

  /** Drops every number at or above `n`. */
  skipTo(n: number): void {
    while (this.at < this.buffered.length && this.buffered[this.at]! >= n) this.at++;
  }
}

/** Several terms' tickets merged, newest first, each once: the words a prefix stands for. */
class AnyOf {
  constructor(private readonly parts: Postings[]) {}
  async peek(): Promise<number | null> {
    // Only the words whose buffer ran out read (a promise per word per candidate was a
    // visible cost with 64 words).
    const reads = this.parts.filter((p) => p.drained).map((p) => p.peek());
    if (reads.length) await Promise.all(reads);
    let max: number | null = null;
    for (const p of this.parts) {
      const h = p.head();
      if (h !== null && (max === null || h > max)) max = h;
    }
    return max;
  }
  skipTo(n: number): void {
    for (const p of this.parts) p.skipTo(n);
  }
}

/**
 * A prefix stands for the indexed words it begins, found by skipping from one word to the
 * next (one seek each). Past this many words the prefix is too short to mean anything; the
 * first ones in alphabetical order are used, and one more letter narrows it.
 */
const MAX_PREFIX_WORDS = 64;

async function wordsBeginning(db: Db, prefix: string): Promise<string[]> {
  const words: string[] = [];
  // One iterator that seeks past each word's postings: opening an iterator per word (a
  // LevelDB snapshot and iterator each) was the largest cost of a search at 100k tickets.
  const it = db.sub.fts.keys({ gte: prefix, lt: prefix + AFTER_PREFIX });
  try {
    while (words.length < MAX_PREFIX_WORDS) {
      const key = await it.next();
      if (key === undefined) break;
      const word = key.slice(0, key.lastIndexOf(':'));
      words.push(word);
      it.seek(`${word}:~`);
    }
  } finally {
    await it.close();
  }
  return words;
}

/** How many postings of a word are counted to pick the rarest one to walk. */
const ESTIMATE_CAP = 2000;

/**
 * Counts of common terms, kept a while per store: counting 2,000 postings was a third of a
 * two-word search at 100k tickets, and search as you type repeats the first words with each
 * letter. A count only chooses which term to walk, so a stale one costs speed, never a
 * result — and only counts past ESTIMATE_KEEP_MIN are kept: a term counted as rare (or
 * absent, which ends a search at once) is counted again each time.
 */
const ESTIMATE_KEEP_MIN = 100;
const ESTIMATE_KEEP_MS = 30_000;
const ESTIMATES_KEPT = 1000;
const keptEstimates = new WeakMap<Db, Map<string, { count: number; at: number }>>();

async function estimate(db: Db, term: string, asPrefix: boolean): Promise<number> {
  const id = `${asPrefix ? 'p' : 'w'}:${term}`;
  let kept = keptEstimates.get(db);
  if (!kept) keptEstimates.set(db, (kept = new Map()));
  const hit = kept.get(id);
  if (hit && Date.now() - hit.at < ESTIMATE_KEEP_MS) return hit.count;
  const range = asPrefix ? { gte: term, lt: term + AFTER_PREFIX } : { gte: `${term}:`, lt: `${term}:~` };
  const count = (await db.keys(db.sub.fts, { ...range, limit: ESTIMATE_CAP })).length;
  kept.delete(id);
  if (count >= ESTIMATE_KEEP_MIN) {
    kept.set(id, { count, at: Date.now() });
    // The oldest first out (a Map iterates in insertion order).
    if (kept.size > ESTIMATES_KEPT) kept.delete(kept.keys().next().value!);
  }
  return count;
}

/** Which of `numbers` are listed under `terms` (under at least one of them when `any`). */
async function listedUnder(db: Db, terms: string[], numbers: number[]): Promise<Set<number>> {
  const keys = terms.flatMap((t) => numbers.map((n) => posting(t, n)));
  const found = await db.sub.fts.getMany(keys);
  const listed = new Set<number>();
  found.forEach((v, i) => v !== undefined && listed.add(numbers[i % numbers.length]!));
  return listed;
}

/** Candidates taken from the walked term per round of checks. */
const CHUNK = 100;

/**
 * Tickets holding every term of `text` (the last one as a prefix), newest ticket first.
 * Walks the rarest term's postings and checks the other terms by key lookups, so the cost
 * follows the page asked for. `match` filters what the index cannot (visibility, status,
 * views). The cursor is `s:<number of the last ticket returned>`.
 */
export async function searchTickets(db: Db, opts: { text: string; limit: number; cursor?: string; match?: (t: FullTicket) => boolean }): Promise<TicketPage> {
  const { words, prefix } = parseQuery(opts.text);
  if (prefix === null) return { items: [], nextCursor: null };
  const below = /^s:\d+$/.test(opts.cursor ?? '') ? Math.min(Number(opts.cursor!.slice(2)), TOP) : TOP;
  const prefixWords = await wordsBeginning(db, prefix);
  if (prefixWords.length === 0) return { items: [], nextCursor: null };
  // With the prefix alone there is nothing to choose between: no counting.
  const [prefixCount, ...counts] = words.length ? await Promise.all([estimate(db, prefix, true), ...words.map((w) => estimate(db, w, false))]) : [0];
  if (counts.some((c) => c === 0)) return { items: [], nextCursor: null };
  // -1: the prefix is the rarest, and its words are walked together.
  const fewest = Math.min(...counts);
  const rarest = counts.length && fewest < prefixCount! ? counts.indexOf(fewest) : -1;
  const walked = rarest >= 0 ? new Postings(db, words[rarest]!, below) : new AnyOf(prefixWords.map((w) => new Postings(db, w, below, prefixWords.length > 1 ? 8 : 64)));
  const checks = [...words.filter((_, i) => i !== rarest).map((w) => [w]), ...(rarest >= 0 ? [prefixWords] : [])];

  const items: FullTicket[] = [];
  for (;;) {
    const candidates: number[] = [];
    for (let n = await walked.peek(); n !== null && candidates.length < CHUNK; n = await walked.peek()) {
      candidates.push(n);
      walked.skipTo(n);
    }
    if (candidates.length === 0) return { items, nextCursor: null };
    let numbers = candidates;
    for (const terms of checks) {
      if (numbers.length === 0) break;
      const listed = await listedUnder(db, terms, numbers);
      numbers = numbers.filter((n) => listed.has(n));
    }
    // Records are read as many as the page still needs (all of them when filters reject
    // some): a page of 50 reads 50 tickets, not the round's 100.
    for (let at = 0; at < numbers.length;) {
      const slice = numbers.slice(at, (at += opts.limit - items.length));
      const stored = (await db.sub.ticket.getMany(slice.map((n) => pad(n, NO_WIDTH)))) as Array<Ticket | undefined>;
      for (const s of stored) {
        if (!s || s.mergedInto !== undefined) continue;
        const t = fillTicketDefaults(s);
        if (opts.match && !opts.match(t)) continue;
        items.push(t);
        if (items.length === opts.limit) {
          walked.skipTo(t.number);
          const more = candidates.at(-1)! < t.number || (await walked.peek()) !== null;
          return { items, nextCursor: more ? `s:${t.number}` : null };
        }
      }
    }
  }
}

/** Bump when termsOf or the key layout changes: the next start rebuilds the index. */
const SEARCH_INDEX_VERSION = 1;
const WRITE_EVERY = 500;

/** True when the index was built by this version of termsOf and the key layout. */
export async function searchIndexCurrent(db: Db): Promise<boolean> {
  if ((await db.get<number>(db.sub.meta, 'fts:version')) === SEARCH_INDEX_VERSION) return true;
  // A store without tickets has nothing to index: it is current as it is.
  if ((await db.keys(db.sub.ticket, { limit: 1 })).length === 0) {
    const batch = new Batch();
    batch.put(db.sub.meta, 'fts:version', SEARCH_INDEX_VERSION);
    await db.commit(batch);
    return true;
  }
  return false;
}

/**
 * Rebuilds the full-text index from tickets and messages when its version changed; returns
 * the records indexed. Runs while the desk serves: writers keep adding their postings, and
 * what the rebuild reads (iterators opened after the clear) holds everything written before
 * it. `stopped` ends it early without marking the index current, so the next start redoes it.
 */
export async function rebuildSearchIndex(db: Db, stopped: () => boolean = () => false): Promise<number> {
  if (await searchIndexCurrent(db)) return 0;
  await db.sub.fts.clear();
  let count = 0;
  let batch = new Batch();
  const flush = async () => {
    if (++count % WRITE_EVERY !== 0) return;
    await db.commit(batch, false);
    batch = new Batch();
  };
  for await (const t of db.sub.ticket.values()) {
    if (stopped()) return count;
    if ((t as Ticket).mergedInto !== undefined) continue;
    addTerms(db, batch, (t as Ticket).number, ticketTerms(t as Ticket));
    await flush();
  }
  for await (const m of db.sub.msg.values()) {
    if (stopped()) return count;
    indexMessage(db, batch, m as Message);
    await flush();
  }
  batch.put(db.sub.meta, 'fts:version', SEARCH_INDEX_VERSION);
  await db.commit(batch);
  return count;
}
