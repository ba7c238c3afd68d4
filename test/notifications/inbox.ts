import type { ParsedMail } from 'mailparser';
import { parse } from '../outbound/fixtures.js';
import { waitFor, type Relay } from '../outbound/relays.js';

// What a person's inbox would hold: the mails a loopback relay took for their address,
// decoded, picked by their (decoded) subject.

export async function inbox(relay: Relay, address: string, subject: RegExp): Promise<ParsedMail[]> {
  const found = [];
  for (const r of relay.received.filter((x) => x.rcptTo.includes(address))) {
    const m = await parse(r.raw);
    if (subject.test(m.subject ?? '')) found.push(m);
  }
  return found;
}

/** Waits for the first such mail. */
export const mailTo = (relay: Relay, address: string, subject: RegExp) => waitFor(async () => (await inbox(relay, address, subject))[0], `a mail to ${address} with a subject matching ${subject}`);
