import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { RelaySettings } from './from-address.js';

// One connection to the tenant's relay: connect, TLS as configured, AUTH, one message, QUIT.
// Replies are few and a help desk's relay is usually a submission server (RFC 6409), so a
// connection per message keeps the failure of one mail from touching another.

export interface RelayOptions {
  /** Our name in EHLO. */
  hostname: string;
  timeoutMs: number;
}

export interface RelaySession {
  /** RFC 1870 SIZE the relay advertised; 0 when it advertised none. */
  maxSize: number;
  send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<SendResult>;
  close(): void;
}

export interface SendResult {
  /** The relay's final reply, e.g. "250 2.0.0 Ok: queued as 4Xb1cD" — its queue id for support. */
  response: string;
  accepted: string[];
  rejected: string[];
}

/** A relay error: nodemailer's code, the SMTP reply if there was one, and the command that got it. */
export interface RelayError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  timeoutType?: string;
  /** False when the connection opened but no greeting came. */
  greeted?: boolean;
}

export async function openRelay(relay: RelaySettings, password: string | undefined, opts: RelayOptions): Promise<RelaySession> {
  const conn = new SMTPConnection({
    host: relay.host,
    port: relay.port,
    // SSL = TLS from the first byte (RFC 8314 §3.3); TLS = STARTTLS, and refuse to go on
    // without it (RFC 3207); Plain = never upgrade, as configured.
    secure: relay.security === 'ssl',
    requireTLS: relay.security === 'starttls',
    ignoreTLS: relay.security === 'plain',
    // "Accept self-signed" turns certificate checks off for this relay only (any certificate
    // then passes); the admin ticks it for a relay on their own network.
    tls: { rejectUnauthorized: !relay.allowSelfSigned, servername: isIp(relay.host) ? undefined : relay.host },
    name: opts.hostname,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  } as any);
  // nodemailer reports connection trouble as an 'error' event, not through the step's
  // callback: every step waits for whichever comes first.
  let failure: RelayError | null = null;
  let onFailure: ((err: RelayError) => void) | null = null;
  conn.on('error', (err: RelayError) => {
    failure ??= err;
    onFailure?.(err);
  });
  conn.on('end', () => onFailure?.(failure ?? Object.assign(new Error('the relay closed the connection'), { code: 'ECONNECTION' })));
  const step = <T>(run: (done: (err: RelayError | null | undefined, value?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      onFailure = reject;
      run((err, value) => (err ? reject(err) : resolve(value as T)));
    }).finally(() => (onFailure = null));
  try {
    await step<void>((done) => conn.connect((err) => done(err)));
    if (relay.username) await step<void>((done) => conn.login({ user: relay.username, pass: password ?? '' }, (err) => done(err)));
  } catch (err) {
    // Whether the relay ever spoke tells a silent implicit-TLS port from a slow network.
    (err as RelayError).greeted = Boolean(conn.lastServerResponse);
    conn.close();
    throw err;
  }
  // nodemailer reads SIZE from the EHLO reply but keeps it private.
  const maxSize = Number((conn as any)._maxAllowedSize) || 0;
  return {
    maxSize,
    async send(envelope, raw) {
      const info = await step<SMTPConnection.SentMessageInfo>((done) => conn.send({ from: envelope.from, to: envelope.to, size: raw.length }, raw, (err, i) => done(err, i)));
      return { response: info.response, accepted: info.accepted, rejected: info.rejected };
    },
    close() {
      conn.quit();
      setTimeout(() => conn.close(), 1000).unref();
    },
  };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** Whether waiting could help: 4xx replies and network trouble yes, 5xx no (RFC 5321 §4.2.1). */
export function isPermanent(err: RelayError): boolean {
  if (err.responseCode && err.responseCode >= 500) {
    // A refused login is the desk's configuration, not the mail's fault: keep the mail until
    // an admin fixes the password, rather than failing every queued reply.
    return err.code !== 'EAUTH';
  }
  // nodemailer refuses before MAIL FROM when the message exceeds the relay's SIZE.
  return err.code === 'EMESSAGE' && !err.responseCode;
}

/**
 * One clear sentence per failure class, for "test connection" and for a message's delivery
 * state. The classes follow what an admin can change: the name, the port, the security, the
 * certificate, the credentials.
 */
export function describeRelayError(err: RelayError, relay: RelaySettings): string {
  const where = `${relay.host}:${relay.port}`;
  const text = `${err.message ?? ''} ${(err as any).reason ?? ''}`;
  const reply = err.response ? ` The relay said: "${err.response.trim()}".` : '';
  if (err.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) {
    return `The relay name ${relay.host} was not found in DNS: check the spelling.`;
  }
  if (/ECONNREFUSED/.test(text)) {
    return `Connection refused by ${where}: nothing listens on that port, or a firewall refuses it.`;
  }
  if (relay.security === 'ssl' && /wrong version number|packet length too long|unknown protocol|http request/i.test(text)) {
    return `${where} does not speak SSL (implicit TLS) from the first byte: this looks like a STARTTLS or plain port (such as 587 or 25). Choose TLS (STARTTLS) instead.`;
  }
  if (relay.security !== 'ssl' && err.code === 'ETIMEDOUT' && err.greeted === false && err.timeoutType !== 'CONNECT_TIMEOUT') {
    return `${where} accepted the connection but sent no greeting: it probably expects SSL (implicit TLS), as on port 465. Choose SSL instead.`;
  }
  if (relay.security === 'starttls' && err.code === 'ETLS' && err.command === 'STARTTLS' || /STARTTLS not supported|does not support required STARTTLS|Can't upgrade/i.test(text)) {
    return `${where} does not offer STARTTLS. Choose SSL if this is an implicit TLS port (465), or Plain only if the relay is on a trusted network.`;
  }
  if (/certificate|self[- ]signed|unable to verify|CERT_|altnames/i.test(text)) {
    return `The relay's TLS certificate was rejected (${firstLine(err.message)}). Tick "accept self-signed certificate" only if you trust this relay.`;
  }
  // RFC 3207 §4: 530 "Must issue a STARTTLS command first" (538 in some servers).
  if (relay.security === 'plain' && (err.responseCode === 530 || err.responseCode === 538 || /STARTTLS/i.test(err.response ?? ''))) {
    return `${where} wants TLS before login, and Plain never starts it. Choose TLS (STARTTLS) for this port.`;
  }
  if (err.code === 'EAUTH') {
    if (/Missing credentials/i.test(text)) return `The relay asks for a password, but none is set for this From address.`;
    return `Authentication failed: the relay refused this username or password.${reply}`;
  }
  if (err.code === 'ETIMEDOUT') return `${where} did not answer in time.`;
  if (err.code === 'EMESSAGE' && !err.responseCode) {
    return `The message is larger than the relay accepts (${firstLine(err.message)}).`;
  }
  if (err.responseCode) return `The relay refused the mail at ${err.command ?? 'SMTP'}.${reply}`;
  if (err.code === 'ECONNECTION' || err.code === 'ESOCKET') return `The connection to ${where} was lost: ${firstLine(err.message)}.`;
  return `The relay could not be used: ${firstLine(err.message)}.`;
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0]!.replace(/\.$/, '');
}
