import type { AddressObject, ParsedMail } from 'mailparser';
import type { Address } from '../desk/types.js';

/** A mail as the help desk needs it, parsed from the raw bytes; plain data only. */
export interface Mail {
  messageId: string;
  inReplyTo: string;
  references: string[];
  subject: string;
  from: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  date: number | null;
  text: string;
  html: string | null;
  attachments: MailAttachment[];
  /** Unfolded header values by lower-case name, in order. */
  headers: Map<string, string[]>;
  /** Top-level Content-Type with parameters, lower-case. */
  contentType: string;
  /** Set when mailparser could not read the message; what could be read is kept. */
  parseError?: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  cid?: string;
  inline: boolean;
}

const MAX_SUBJECT = 998; // RFC 5322 §2.1.1 line length limit: longer is not a real subject.

/**
 * Parses a stored message. Never throws: a message mailparser cannot read still yields a
 * Mail (subject and sender from the envelope, body as text) so that it becomes a ticket.
 */
export async function parseMail(raw: Buffer): Promise<Mail> {
  const input = stripMboxFromLine(raw);
  try {
    // Loaded at first use, not at start (see verdict/authenticate.ts).
    const { simpleParser } = await import('mailparser');
    const parsed: ParsedMail = await (simpleParser as any)(input, {
      skipTextToHtml: true,
      skipImageLinks: true,
      keepCidLinks: true,
      maxHtmlLengthToParse: 2 * 1024 * 1024,
    });
    return fromParsed(parsed);
  } catch (err) {
    return {
      ...emptyMail(),
      text: input.toString('utf8').slice(0, 200_000),
      parseError: (err as Error).message,
    };
  }
}

function emptyMail(): Mail {
  return { messageId: '', inReplyTo: '', references: [], subject: '', from: null, replyTo: [], to: [], cc: [], date: null, text: '', html: null, attachments: [], headers: new Map(), contentType: '' };
}

function fromParsed(p: ParsedMail): Mail {
  const headers = new Map<string, string[]>();
  for (const { key, line } of p.headerLines ?? []) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    const list = headers.get(key.toLowerCase());
    if (list) list.push(value);
    else headers.set(key.toLowerCase(), [value]);
  }
  const refs = p.references ? (Array.isArray(p.references) ? p.references : [p.references]) : [];
  const date = p.date instanceof Date && !Number.isNaN(p.date.getTime()) ? p.date.getTime() : null;
  return {
    messageId: (p.messageId ?? '').trim(),
    inReplyTo: (p.inReplyTo ?? '').trim(),
    references: refs.flatMap((r) => r.split(/\s+/)).filter(Boolean),
    subject: (p.subject ?? '').replace(/[\r\n]+/g, ' ').slice(0, MAX_SUBJECT),
    from: addresses(p.from)[0] ?? null,
    replyTo: addresses(p.replyTo),
    to: addresses(p.to),
    cc: addresses(p.cc),
    date,
    text: p.text ?? '',
    html: typeof p.html === 'string' ? p.html : null,
    attachments: (p.attachments ?? []).map((a) => ({
      filename: a.filename || defaultName(a.contentType),
      contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
      content: a.content,
      cid: a.cid || undefined,
      inline: a.contentDisposition === 'inline' || Boolean(a.related),
    })),
    headers,
    contentType: (headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase(),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const out: Address[] = [];
  const visit = (v: { address?: string; name?: string; group?: any[] }) => {
    if (v.group) v.group.forEach(visit);
    else if (v.address && v.address.includes('@')) out.push({ email: v.address.trim().toLowerCase(), name: (v.name ?? '').trim() });
  };
  for (const obj of field ? (Array.isArray(field) ? field : [field]) : []) obj.value.forEach(visit);
  return out;
}

function defaultName(contentType: string): string {
  if (contentType === 'message/rfc822') return 'message.eml';
  if (contentType === 'text/rfc822-headers') return 'headers.txt';
  if (contentType === 'message/delivery-status') return 'delivery-status.txt';
  return 'attachment';
}

/**
 * An mbox "From " separator (RFC 4155) is not a header. Some senders leave it in, and it
 * then sits in the header block below the trace headers we prepend; drop that one line.
 */
function stripMboxFromLine(raw: Buffer): Buffer {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end >= 0 ? head.slice(0, end) : head;
  const m = /(^|\n)From (?!\s*:)[^\r\n]*(\r?\n|$)/.exec(block);
  if (!m) return raw;
  const start = m.index + m[1]!.length;
  return Buffer.concat([raw.subarray(0, start), raw.subarray(start + m[0].length - m[1]!.length)]);
}
