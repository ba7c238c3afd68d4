import MailComposer from 'nodemailer/lib/mail-composer';
import type { Db } from '../store/db.js';
import type { Address } from '../desk/types.js';
import type { OutboundItem } from './item.js';

// The mail as it leaves: built from the queued item at send time, so that the queue holds
// data rather than a frozen MIME blob, yet every header that identifies the mail
// (Message-ID, In-Reply-To, References, Date of queuing) was fixed when it was queued.

const fmt = (a: Address) => ({ name: a.name, address: a.email });

/** Loads an item's attachments from the store; one that vanished is left out, not fatal. */
async function attachmentsOf(db: Db, ids: string[]) {
  const found = [];
  for (const id of ids) {
    const content = await db.getBuffer(db.sub.att, id);
    if (!content) continue;
    const meta = (await db.get<{ filename: string; contentType: string }>(db.sub.meta, `att:${id}`)) ?? { filename: id, contentType: 'application/octet-stream' };
    found.push({ filename: meta.filename, contentType: meta.contentType, content });
  }
  return found;
}

export async function composeRaw(db: Db, item: OutboundItem): Promise<Buffer> {
  const composer = new MailComposer({
    from: fmt(item.from),
    to: item.to.map(fmt),
    cc: item.cc.map(fmt),
    // Bcc recipients are in the envelope only; MailComposer leaves the header out (RFC 5322 §3.6.3).
    subject: item.subject,
    messageId: item.messageId,
    date: new Date(item.createdAt),
    inReplyTo: item.inReplyTo,
    references: item.references.length ? item.references : undefined,
    text: item.text,
    html: item.html,
    headers: item.headers,
    attachments: await attachmentsOf(db, item.attachmentIds),
    disableFileAccess: true,
    disableUrlAccess: true,
  } as any);
  return new Promise((resolve, reject) => composer.compile().build((err, raw) => (err ? reject(err) : resolve(raw as Buffer))));
}

/** Every address the relay must deliver to: To, Cc and Bcc, each once. */
export function envelopeRecipients(item: Pick<OutboundItem, 'to' | 'cc' | 'bcc'>): string[] {
  return [...new Set([...item.to, ...item.cc, ...item.bcc].map((a) => a.email.toLowerCase()))];
}
