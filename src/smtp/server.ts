import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { isDiskFull, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import type { Envelope, SupportAddress } from '../desk/types.js';
import type { DnsResolver } from '../verdict/resolver.js';
import { verdictOf, dmarcAction } from '../verdict/authenticate.js';
import { spoolMessage, type SpoolEntry } from '../spool/spool.js';
import { decideRecipient, type Refusal } from './recipients.js';
import { receivedHeader } from './received.js';
import type { TlsFiles } from './tls.js';

/** Who the MX accepts mail for; replaced whenever an admin changes addresses or domains. */
export interface Routing {
  domains: Set<string>;
  addresses: Map<string, SupportAddress>;
}

export interface MxDeps {
  config: Config;
  db: Db;
  tls: TlsFiles;
  resolver: DnsResolver;
  routing: () => Routing;
  log: Logger;
  /**
   * Called once the message is durable, before the 250; may return a promise that holds the
   * 250 back while ticketing catches up (Ingestor.enqueue: a bounded backlog).
   */
  onAccepted: (entry: SpoolEntry) => void | Promise<void>;
  /** Told of every connection and every refusal, for /metrics. */
  onConnected?: () => void;
  onRefused?: (code: number, stage: 'connect' | 'rcpt' | 'data') => void;
  /** Injected in tests: the clock. */
  now?: () => number;
}

/** An enhanced status code (RFC 3463) at the start of a reply text. */
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

function refuse(r: Refusal): Error {
  return Object.assign(new Error(r.message), { responseCode: r.code });
}

/**
 * The MX: smtp-server with mxdesk's policy at each stage of the session.
 * connect: connection limits · MAIL: nothing to check yet (SPF is judged with the whole
 * message) · RCPT: support addresses only · DATA: size limit, verdicts, durable spool, 250.
 */
export function createMx(deps: MxDeps): SMTPServer {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const limits = config.smtp;
  /** Sessions past onConnect, by client address; and which sessions were counted. */
  const openPerIp = new Map<string, number>();
  const counted = new Set<string>();

  const server: SMTPServer = new SMTPServer({
    name: config.hostname,
    banner: 'mxdesk',
    key: deps.tls.key,
    cert: deps.tls.cert,
    // The MX takes mail from anyone for our addresses only; AUTH has no place on it.
    authOptional: true,
    disabledCommands: ['AUTH'],
    // RFC 2034: enhanced codes in every reply; our own refusals carry the precise one.
    hideENHANCEDSTATUSCODES: false,
    size: limits.maxMessageBytes,
    maxClients: limits.maxConnections,
    maxRecipients: limits.maxRecipients,
    socketTimeout: limits.socketTimeoutMs,
    // On stop, sessions get this long to finish a transfer; then a 421 (RFC 5321 §3.8) ends
    // the rest, idle ones included, so that ticketing and closing the store still fit in the
    // 10 s Docker allows between SIGTERM and SIGKILL (src/main.ts forces an exit at 9 s).
    closeTimeout: 5_000,
    // PTR names are not used for decisions; a lookup per connection would only add latency.
    disableReverseLookup: true,
    logger: false,

    onConnect(session, callback) {
      deps.onConnected?.();
      const conn = connectionOf(server, session);
      if (conn) useOwnEnhancedCodes(conn);
      // Counted here, not from smtp-server's connection set: that set also holds the
      // connections still waiting for this very check (and those being refused), so a burst
      // of connections from one address let about twice the limit in.
      const ip = session.remoteAddress;
      const fromSameIp = openPerIp.get(ip) ?? 0;
      if (fromSameIp >= limits.maxConnectionsPerIp) {
        log.warn({ sid: session.id, ip, open: fromSameIp }, 'smtp: too many connections from one address');
        deps.onRefused?.(421, 'connect');
        return callback(refuse({ code: 421, message: `4.7.0 Too many connections from ${ip}, try again later` }));
      }
      openPerIp.set(ip, fromSameIp + 1);
      counted.add(session.id);
      callback();
    },

    onClose(session) {
      if (!counted.delete(session.id)) return;
      const left = (openPerIp.get(session.remoteAddress) ?? 1) - 1;
      if (left > 0) openPerIp.set(session.remoteAddress, left);
      else openPerIp.delete(session.remoteAddress);
    },

    onMailFrom(_address, _session, callback) {
      callback();
    },

    onRcptTo(address, session, callback) {
      const decision = decideRecipient(address.address, deps.routing().domains, deps.routing().addresses);
      if (!decision.accept) {
        log.info({ sid: session.id, ip: session.remoteAddress, rcpt: address.address, code: decision.refusal.code }, 'smtp: recipient refused');
        deps.onRefused?.(decision.refusal.code, 'rcpt');
        return callback(refuse(decision.refusal));
      }
      callback();
    },

    onData(stream, session, callback) {
      receiveData(stream, session, deps, now).then(
        (reply) => callback(null, reply),
        (err) => {
          deps.onRefused?.((err as { responseCode?: number }).responseCode ?? 451, 'data');
          callback(err);
        },
      );
    },
  });

  server.on('error', (err) => log.error({ err }, 'smtp: server error'));
  return server;
}

async function receiveData(stream: SMTPServerDataStream, session: SMTPServerSession, deps: MxDeps, now: () => number): Promise<string> {
  const { config, log } = deps;
  const started = now();
  const chunks: Buffer[] = [];
  // Once the size limit is passed the message is refused (smtp-server answers 552 5.3.4):
  // let go of what was kept, and keep nothing more.
  stream.on('data', (chunk: Buffer) => {
    if (stream.sizeExceeded) chunks.length = 0;
    else chunks.push(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  if (stream.sizeExceeded) {
    throw refuse({ code: 552, message: `5.3.4 Message too big: the limit is ${config.smtp.maxMessageBytes} bytes` });
  }
  const body = Buffer.concat(chunks);
  const id = newId(started);
  const tls = Boolean((session as any).secure);
  const envelope: Envelope = {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
    clientIp: session.remoteAddress,
    clientHostname: session.clientHostname && session.clientHostname !== `[${session.remoteAddress}]` ? session.clientHostname : undefined,
    helo: session.hostNameAppearsAs || '',
    tls,
    tlsCipher: tls ? (session as any).tlsOptions?.name : undefined,
  };

  const verdict = await verdictOf(body, { clientIp: envelope.clientIp, helo: envelope.helo, mailFrom: envelope.mailFrom, hostname: config.hostname }, deps.resolver);
  const action = dmarcAction(verdict.summary, config.dmarc.rejectAction);
  if (action === 'reject') {
    log.info({ sid: session.id, id, from: envelope.mailFrom, dmarc: verdict.summary.dmarc }, 'smtp: rejected by DMARC policy');
    throw refuse({ code: 550, message: `5.7.1 Rejected: the sender's domain ${verdict.summary.dmarc.domain ?? ''} publishes DMARC p=reject and this message fails it` });
  }

  const received = receivedHeader(envelope, { hostname: config.hostname, id, now: started, protocol: 'ESMTP' });
  const raw = Buffer.concat([Buffer.from(verdict.headers + received, 'utf8'), body]);
  const entry: SpoolEntry = { id, sid: session.id, receivedAt: started, envelope, verdict: verdict.summary, quarantine: action === 'quarantine', size: raw.length };
  try {
    await spoolMessage(deps.db, entry, raw);
  } catch (err) {
    log.error({ err, sid: session.id, id }, 'smtp: could not make the message durable');
    // RFC 3463 §3.4: X.3.1 "mail system full" — temporary, the client keeps it and retries.
    throw refuse(isDiskFull(err) ? { code: 452, message: '4.3.1 Insufficient system storage, try again later' } : { code: 451, message: '4.3.0 Local error while storing the message, try again later' });
  }
  log.info({ sid: session.id, id, from: envelope.mailFrom, rcpt: envelope.rcptTo, ip: envelope.clientIp, size: raw.length, spf: verdict.summary.spf.result, dmarc: verdict.summary.dmarc.result, ms: now() - started }, 'smtp: accepted');
  await deps.onAccepted(entry);
  return `Ok: queued as ${id}`;
}

function connectionOf(server: SMTPServer, session: SMTPServerSession): any {
  for (const c of (server as any).connections as Set<any>) if (c.id === session.id) return c;
  return undefined;
}

/**
 * smtp-server adds its own enhanced code to an application's error reply, picked from the
 * reply code alone (550 always becomes 5.1.1). Our refusals already start with the precise
 * code (5.7.1 relaying denied, 5.2.1 disabled, 4.5.3 ...), so for those we ask it to add none.
 */
function useOwnEnhancedCodes(conn: any): void {
  const send = conn.send.bind(conn);
  conn.send = (code: number, data: unknown, context?: unknown) =>
    typeof data === 'string' && ENHANCED.test(data) ? send(code, data, false) : send(code, data, context);
}
