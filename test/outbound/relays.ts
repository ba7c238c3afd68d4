import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { generate } from 'selfsigned';

// Real relays on loopback for the outbound tests: smtp-server instances that keep what they
// were given, and can be told to refuse (4xx/5xx), to go away and to come back on their port.

export const RELAY_USER = 'desk@relay.test';
export const RELAY_PASSWORD = 'Relay-Pa55-3f9c1e77-clear';

export interface Received {
  mailFrom: string;
  rcptTo: string[];
  raw: string;
  user?: string;
  secure: boolean;
}

export interface Relay {
  port: number;
  received: Received[];
  /** A reply for RCPT TO or end of DATA instead of 250, e.g. "550 5.1.1 no such user"; null = accept. */
  refuse: { at: 'rcpt' | 'data'; code: number; message: string } | null;
  /** Stops listening; connections to the port are refused until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

let certificate: Promise<{ key: string; cert: string }> | null = null;

/** One self-signed certificate for every TLS relay of a test run (generation is slow). */
export function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }] } as any).then((p) => ({ key: p.private, cert: p.cert }));
  return certificate;
}

export async function startRelay(kind: 'plain' | 'starttls' | 'ssl', opts: { size?: number } = {}): Promise<Relay> {
  const tls = kind === 'plain' ? null : await selfSignedCertificate();
  const relay: Relay = { port: 0, received: [], refuse: null } as unknown as Relay;
  const options: SMTPServerOptions = {
    secure: kind === 'ssl',
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    disabledCommands: kind === 'plain' ? ['STARTTLS', 'AUTH'] : [],
    authOptional: kind === 'plain',
    allowInsecureAuth: false,
    size: opts.size,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === RELAY_USER && auth.password === RELAY_PASSWORD) return cb(null, { user: auth.username });
      const err: any = new Error('5.7.8 Authentication credentials invalid');
      err.responseCode = 535;
      cb(err);
    },
    onRcptTo(_address, _session, cb) {
      const r = relay.refuse;
      if (r?.at === 'rcpt') return cb(Object.assign(new Error(r.message), { responseCode: r.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const r = relay.refuse;
        if (r?.at === 'data') return cb(Object.assign(new Error(r.message), { responseCode: r.code }));
        relay.received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
          secure: session.secure,
        });
        cb(null, `2.0.0 Ok: queued as Q${relay.received.length}`);
      });
    },
  };
  let server: SMTPServer | null = null;
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server = new SMTPServer(options);
      server.on('error', () => undefined);
      (server as any).server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        relay.port = ((server as any).server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  relay.down = async () => {
    await stop();
    server = null;
  };
  relay.up = () => listen(relay.port);
  relay.close = stop;
  await listen(0);
  return relay;
}

/** Polls until `check` returns a value (no fixed sleeps: the condition is what we wait for). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
