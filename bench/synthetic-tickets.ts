// Tickets written straight into a store through its own writers (putTicket, putMessage: the
// list indexes and the full-text index as ingest writes them), fast: 100k in well under a
// minute, where SMTP would take many. One message each, its body drawn from a skewed
// vocabulary so that some words are in most tickets and others in a handful, like real mail.
import { Batch, type Db } from '../src/store/db.js';
import { putMessage, putTicket } from '../src/store/tickets.js';
import { PRIORITIES, type FullTicket, type Message, type TicketStatus } from '../src/desk/types.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'de', 'po', 'gra', 'ste', 'qu', 'bel', 'din'];
export const VOCABULARY = Array.from({ length: 20_000 }, (_, i) => {
  let w = '';
  for (let k = i + 1; k > 0; k = Math.floor(k / SYLLABLES.length)) w += SYLLABLES[k % SYLLABLES.length];
  return w;
});

/** mulberry32: a small seeded PRNG, so runs are comparable. Returns an integer below n. */
export function seededRandom(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const STATUSES: TicketStatus[] = ['open', 'open', 'waiting', 'hold', 'closed', 'closed', 'closed', 'closed'];

export interface SyntheticOptions {
  count: number;
  /** Ticket numbers start here. */
  first?: number;
  departments?: string[];
  /** Ids tickets are assigned to (a third stay unassigned). */
  assignees?: string[];
  wordsPerBody?: number;
  /** Only the fields of search.ts's store (open, one department, no assignee): its figures stay comparable. */
  plain?: boolean;
  seed?: number;
  now?: number;
}

/** Writes the tickets; returns the numbers used. Commits unsynced every 1000 tickets. */
export async function writeSyntheticTickets(db: Db, opts: SyntheticOptions): Promise<{ first: number; last: number }> {
  const rand = seededRandom(opts.seed ?? 7);
  const random = mathRandom(opts.seed ?? 7);
  // Skewed: word i is drawn about 1/(i+1) as often as word 0 (a rough Zipf law).
  const word = () => VOCABULARY[Math.floor(Math.exp(random() * Math.log(VOCABULARY.length))) - 1]!;
  const first = opts.first ?? 1001;
  const now = opts.now ?? Date.now();
  const departments = opts.departments ?? ['d0', 'd1', 'd2', 'd3', 'd4'];
  const assignees = opts.assignees ?? [];
  const words = opts.wordsPerBody ?? 60;
  // One commit in flight while the next batch is built: LevelDB writes on its own thread.
  let committing: Promise<void> = Promise.resolve();
  for (let start = 0; start < opts.count; start += 1000) {
    const batch = new Batch();
    for (let i = start; i < Math.min(start + 1000, opts.count); i++) {
      const number = first + i;
      const created = now - (opts.count - i) * 60_000;
      const email = `customer${rand(20_000)}@example${rand(500)}.test`;
      const subject = `${word()} ${word()} ${word()}`;
      const t: FullTicket = {
        number, subject, status: opts.plain ? 'open' : STATUSES[rand(STATUSES.length)]!, requester: { email, name: `Name${rand(5000)} Surname${rand(5000)}` }, contactId: 'c',
        departmentId: departments[rand(departments.length)]!, alias: 'support@support.test', participants: [email], messageCount: 1, flags: [], linkedTickets: [],
        createdAt: created, updatedAt: created, priority: opts.plain ? 'medium' : PRIORITIES[rand(PRIORITIES.length)]!, severity: 'S3', dueAt: null,
        tags: !opts.plain && rand(10) === 0 ? [`tag${rand(20)}`] : [], assigneeId: assignees.length && rand(3) > 0 ? assignees[rand(assignees.length)]! : null,
        customFields: {}, links: [], deletedAt: null,
      };
      const m: Message = {
        id: `m${number}`, ticketNumber: number, direction: 'in', messageId: `${number}@example.test`, references: [], from: t.requester, to: [{ email: 'support@support.test', name: '' }], cc: [],
        subject, date: created, receivedAt: created, text: Array.from({ length: words }, word).join(' '), html: null,
        attachments: rand(10) === 0 ? [{ id: `a${number}`, filename: `report-${word()}.pdf`, contentType: 'application/pdf', size: 1000, inline: false }] : [],
        verdict: null, envelope: null, flags: [], size: 2000,
      };
      putTicket(db, batch, t);
      putMessage(db, batch, m);
    }
    await committing;
    committing = db.commit(batch, false);
  }
  await committing;
  return { first, last: first + opts.count - 1 };
}

/** A seeded stand-in for Math.random (a float in [0, 1)). */
function mathRandom(seed: number): () => number {
  const r = seededRandom(seed * 31 + 1);
  return () => r(2 ** 31) / 2 ** 31;
}
