import { sendMail, type Reply } from './smtp-client.js';
import { json, type TestApp } from './app.js';
import { getTicket, messageByMessageId, putTicket } from '../../src/store/tickets.js';
import { pendingOutbound as listOutbound } from '../../src/store/outbound.js';
import { Batch } from '../../src/store/db.js';
import type { OutboundItem } from '../../src/outbound/item.js';
import type { TicketStatus } from '../../src/desk/types.js';

/** The address in a From: header line of a raw message, or '' when there is none. */
export function fromAddressOf(message: string | Buffer): string {
  const text = (Buffer.isBuffer(message) ? message.subarray(0, 64 * 1024).toString('latin1') : message).split(/\r?\n\r?\n/)[0] ?? '';
  const line = /^From:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(text)?.[1] ?? '';
  return (/<([^<>\s]+@[^<>\s]+)>/.exec(line)?.[1] ?? /([^\s<>"(),;:]+@[^\s<>"(),;:]+)/.exec(line)?.[1] ?? '').toLowerCase();
}

/**
 * Sends one message over SMTP as a customer's MTA would (MAIL FROM = From: unless given)
 * and waits until the desk has ticketed it.
 */
export async function deliver(app: TestApp, message: string | Buffer, opts: { from?: string; to?: string[] } = {}): Promise<Reply> {
  const reply = await sendMail(app.smtpPort, { from: opts.from ?? fromAddressOf(message), to: opts.to ?? ['support@support.test'], message });
  await app.ingestor.idle();
  return reply;
}

/** The ticket (as the API shows it) holding the message with this Message-ID. */
export async function ticketWith(app: TestApp, messageId: string): Promise<any> {
  const m = await messageByMessageId(app.db, messageId);
  if (!m) return undefined;
  return json(app.api(`/api/v1/tickets/${m.ticketNumber}`));
}

export async function ticketNumbers(app: TestApp): Promise<number[]> {
  const page = await json(app.api('/api/v1/tickets?limit=200'));
  return page.items.map((t: any) => t.number).sort((a: number, b: number) => a - b);
}

/** Acknowledgements queued for one ticket (or all, without a number). */
export async function acks(app: TestApp, ticketNumber?: number): Promise<OutboundItem[]> {
  return (await listOutbound(app.db)).filter((i) => i.kind === 'ack' && (ticketNumber === undefined || i.ticketNumber === ticketNumber));
}

/** Sets a ticket's status as an agent would; there is no agent reply API in this part yet. */
export async function setStatus(app: TestApp, number: number, status: TicketStatus, closedAt?: number): Promise<void> {
  await app.db.serial(async () => {
    const previous = (await getTicket(app.db, number))!;
    const ticket = { ...previous, status, closedAt: status === 'closed' ? (closedAt ?? Date.now()) : undefined };
    const batch = new Batch();
    putTicket(app.db, batch, ticket, previous);
    await app.db.commit(batch);
  });
}

let serial = 0;
/** A Message-ID unique within the test run. */
export function uniqueId(domain = 'example.com'): string {
  return `<t${Date.now().toString(36)}.${(serial++).toString(36)}@${domain}>`;
}
