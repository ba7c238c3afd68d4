import type { Readable } from 'node:stream';

// The mbox format of RFC 4155: messages one after another, each introduced by a "From_"
// line ("From " + envelope sender + asctime date). We write the "mboxrd" variant: a body
// line that starts with "From ", or with ">" characters followed by "From ", gets one more
// ">" in front, so reading removes exactly one and every message comes back byte for byte.

const FROM_LINE = /^From /;
const QUOTED_FROM = /^>+From /;

/** RFC 4155 §2: the date in the From_ line is in UTC asctime() form. */
function asctime(ms: number): string {
  // toUTCString: "Sun, 22 Nov 2026 19:01:39 GMT" → asctime: "Sun Nov 22 19:01:39 2026".
  const [weekday, day, month, year, time] = new Date(ms).toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
}

/** One message as an mbox entry: From_ line, the message with From-quoting, a blank line. */
export function mboxEntry(raw: Buffer, envelopeFrom: string, date: number): Buffer {
  // RFC 4155 §2: MAILER-DAEMON stands for the null sender.
  const from = envelopeFrom.replace(/\s/g, '') || 'MAILER-DAEMON';
  const lines = raw.toString('latin1').split('\n');
  if (lines.at(-1) === '' || lines.at(-1) === '\r') lines.pop();
  const body = lines.map((l) => (FROM_LINE.test(l) || QUOTED_FROM.test(l) ? '>' + l : l)).join('\n');
  return Buffer.concat([Buffer.from(`From ${from} ${asctime(date)}\n`, 'latin1'), Buffer.from(body + '\n\n', 'latin1')]);
}

export interface MboxMessage {
  /** The envelope sender of the From_ line; '' for MAILER-DAEMON. */
  envelopeFrom: string;
  raw: Buffer;
}

/**
 * Reads an mbox stream message by message, holding one message at a time. A "From " line
 * starts a message only at the start of the file or after an empty line (RFC 4155 §2);
 * ">From " lines lose one ">". Works on binary-safe latin1 text, so 8-bit bodies survive.
 */
export async function* readMbox(input: Readable): AsyncGenerator<MboxMessage> {
  let pending = '';
  let current: string[] | null = null;
  let envelopeFrom = '';
  let previousBlank = true;
  const finish = (): MboxMessage | null => {
    if (!current) return null;
    // The blank line before the next From_ separates messages; it is not part of the message.
    while (current.length && (current.at(-1) === '' || current.at(-1) === '\r')) current.pop();
    const raw = Buffer.from(current.join('\n') + '\n', 'latin1');
    current = null;
    return raw.length > 1 ? { envelopeFrom, raw } : null;
  };
  const take = (line: string): MboxMessage | null => {
    let done: MboxMessage | null = null;
    if (FROM_LINE.test(line) && previousBlank) {
      done = finish();
      const sender = line.slice(5).split(' ')[0] ?? '';
      envelopeFrom = sender === 'MAILER-DAEMON' ? '' : sender;
      current = [];
    } else if (current) {
      current.push(QUOTED_FROM.test(line) ? line.slice(1) : line);
    } else if (line.trim() !== '') {
      throw new Error('not an mbox file: it does not start with a "From " line (RFC 4155)');
    }
    previousBlank = line === '' || line === '\r';
    return done;
  };
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('latin1');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const m = take(line);
      if (m) yield m;
    }
  }
  if (pending) {
    const m = take(pending);
    if (m) yield m;
  }
  const last = finish();
  if (last) yield last;
}

/** An mbox starts with a From_ line; anything else is taken for a single .eml message. */
export function looksLikeMbox(head: Buffer): boolean {
  return head.subarray(0, 5).toString('latin1') === 'From ';
}
