import MailComposer from 'nodemailer/lib/mail-composer';
import type { FromAddress, RelaySettings } from './from-address.js';
import { describeRelayError, openRelay, type RelayError, type RelayOptions } from './relay.js';

export interface RelayTestResult {
  ok: boolean;
  /** One sentence for the admin: OK, or what to change. */
  message: string;
  /** RFC 1870 SIZE advertised, 0 = none. */
  maxSize: number;
}

const SECURITY_NAMES: Record<RelaySettings['security'], string> = { plain: 'no encryption', ssl: 'SSL (implicit TLS)', starttls: 'TLS (STARTTLS)' };

/**
 * "Test connection": resolve, connect, TLS as configured, AUTH — and, if asked, send a short
 * test mail to the admin who pressed the button, so the relay's acceptance is proven too.
 */
export async function testRelay(from: FromAddress, password: string | undefined, opts: RelayOptions & { sendTo?: string }): Promise<RelayTestResult> {
  const { relay } = from;
  let session;
  try {
    session = await openRelay(relay, password, opts);
  } catch (err) {
    return { ok: false, message: describeRelayError(err as RelayError, relay), maxSize: 0 };
  }
  try {
    const who = relay.username ? ` and logged in as ${relay.username}` : '';
    let message = `OK: connected to ${relay.host}:${relay.port} with ${SECURITY_NAMES[relay.security]}${who}.`;
    if (opts.sendTo) {
      const raw = await new Promise<Buffer>((resolve, reject) =>
        new MailComposer({
          from: { name: from.name, address: from.address },
          to: opts.sendTo,
          subject: 'mxdesk: test mail',
          text: `This mail was sent through ${relay.host}:${relay.port} to test the From address ${from.address}. It needs no answer.\n`,
          headers: { 'Auto-Submitted': 'auto-generated' },
        }).compile().build((err, out) => (err ? reject(err) : resolve(out as Buffer))),
      );
      const result = await session.send({ from: from.address, to: [opts.sendTo] }, raw);
      message += ` A test mail to ${opts.sendTo} was accepted: ${result.response}`;
    }
    return { ok: true, message, maxSize: session.maxSize };
  } catch (err) {
    return { ok: false, message: describeRelayError(err as RelayError, relay), maxSize: session.maxSize };
  } finally {
    session.close();
  }
}
