// The table of process settings: one row per key, with its environment variable, its
// default and the parser that validates it. config/mxdesk.jsonc documents the same keys
// for people; test/config.test.ts checks that the two agree.

export type Parser<T> = (raw: unknown) => T;

export interface Setting<T = unknown> {
  /** Dotted path in config/mxdesk.jsonc, e.g. "smtp.port". */
  key: string;
  /** Environment variable that overrides the file. */
  env: string;
  default: T;
  parse: Parser<T>;
  doc: string;
}

export class ConfigError extends Error {
  constructor(public readonly key: string, reason: string) {
    super(`config: ${key}: ${reason}`);
    this.name = 'ConfigError';
  }
}

// Parsers throw a plain Error with the reason; load.ts adds the key's name.

const integer = (min: number, max: number): Parser<number> => (raw) => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) throw new Error(`expected a whole number, got ${JSON.stringify(raw)}`);
  if (n < min || n > max) throw new Error(`expected a number from ${min} to ${max}, got ${n}`);
  return n;
};

const port = integer(0, 65535);

const text: Parser<string> = (raw) => {
  if (typeof raw !== 'string') throw new Error(`expected text, got ${JSON.stringify(raw)}`);
  return raw.trim();
};

const list = <T>(item: Parser<T>): Parser<T[]> => (raw) => {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!items) throw new Error(`expected a list (JSON array or comma-separated text), got ${JSON.stringify(raw)}`);
  return items.map((x) => (typeof x === 'string' ? x.trim() : x)).filter((x) => x !== '').map(item);
};

const oneOf = <T extends string>(...values: T[]): Parser<T> => (raw) => {
  if (typeof raw !== 'string' || !values.includes(raw as T)) {
    throw new Error(`expected one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
};

// RFC 1035 §2.3.1 labels; we also accept "localhost" and IDNA A-labels.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const domain: Parser<string> = (raw) => {
  const d = text(raw).toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(d)) throw new Error(`"${d}" is not a domain name`);
  return d;
};

const email: Parser<string> = (raw) => {
  const e = text(raw).toLowerCase();
  if (e === '') return e;
  const at = e.lastIndexOf('@');
  if (at < 1 || !DOMAIN.test(e.slice(at + 1))) throw new Error(`"${e}" is not an email address`);
  return e;
};

const dnsServer: Parser<string> = (raw) => {
  const s = text(raw);
  // host, host:port, [v6]:port or a bare IPv6 address, as dns.setServers() takes them.
  if (!/^(\[[0-9a-f:.]+\](:\d{1,5})?|[0-9a-f:]+:[0-9a-f:.]*|[a-z0-9.-]+(:\d{1,5})?)$/i.test(s)) {
    throw new Error(`"${s}" is not host[:port]`);
  }
  return s;
};

export const boolean: Parser<boolean> = (raw) => {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && /^(true|1|yes|on)$/i.test(raw.trim())) return true;
  if (typeof raw === 'string' && /^(false|0|no|off)$/i.test(raw.trim())) return false;
  throw new Error(`expected true or false, got ${JSON.stringify(raw)}`);
};

const MB = 1024 * 1024;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as "90s", "15m", "4h", "2d" or "250ms"; a bare number is milliseconds. */
const duration: Parser<number> = (raw) => {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  const m = typeof raw === 'string' ? /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(raw) : null;
  if (!m) throw new Error(`expected a duration like "90s", "15m" or "4h", got ${JSON.stringify(raw)}`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
};

export const SETTINGS = [
  { key: 'dataDir', env: 'MXDESK_DATA_DIR', default: './data', parse: text, doc: 'Folder for the database, message store and keys.' },
  { key: 'hostname', env: 'MXDESK_HOSTNAME', default: 'localhost', parse: domain, doc: 'Name this MX gives in its greeting and Received: headers; the MX record should point to it.' },
  { key: 'domains', env: 'MXDESK_DOMAINS', default: ['localhost'], parse: list(domain), doc: 'Support domains, created on first start (later managed in the panel).' },
  { key: 'smtp.host', env: 'MXDESK_SMTP_HOST', default: '0.0.0.0', parse: text, doc: 'Address the MX listens on.' },
  { key: 'smtp.port', env: 'MXDESK_SMTP_PORT', default: 2525, parse: port, doc: 'MX port. 25 in production (the container maps it).' },
  { key: 'smtp.maxMessageBytes', env: 'MXDESK_SMTP_MAX_MESSAGE_BYTES', default: 25 * MB, parse: integer(1024, 1024 * MB), doc: 'Largest message accepted (RFC 1870 SIZE); larger ones get 552 5.3.4.' },
  { key: 'smtp.maxRecipients', env: 'MXDESK_SMTP_MAX_RECIPIENTS', default: 100, parse: integer(1, 10000), doc: 'Recipients per message; more get 452 4.5.3 (RFC 5321 §4.5.3.1.8 asks for at least 100).' },
  { key: 'smtp.maxConnections', env: 'MXDESK_SMTP_MAX_CONNECTIONS', default: 500, parse: integer(1, 100000), doc: 'Open SMTP connections in total; more get 421.' },
  { key: 'smtp.maxConnectionsPerIp', env: 'MXDESK_SMTP_MAX_CONNECTIONS_PER_IP', default: 20, parse: integer(1, 100000), doc: 'Open SMTP connections from one client address; more get 421.' },
  { key: 'smtp.socketTimeoutMs', env: 'MXDESK_SMTP_SOCKET_TIMEOUT_MS', default: 120_000, parse: integer(1000, 3_600_000), doc: 'Idle time before a session is closed with 421 (RFC 5321 §4.5.3.2 suggests minutes).' },
  { key: 'http.host', env: 'MXDESK_HTTP_HOST', default: '0.0.0.0', parse: text, doc: 'Address the panel and API listen on.' },
  { key: 'http.port', env: 'MXDESK_HTTP_PORT', default: 8080, parse: port, doc: 'Panel and API port.' },
  { key: 'http.helpCentrePostsPerHour', env: 'MXDESK_HELP_CENTRE_POSTS_PER_HOUR', default: 10, parse: integer(1, 100000), doc: 'Help centre form posts and portal replies per client address (IPv6 by /64) per hour; more get 429.' },
  { key: 'tls.cert', env: 'MXDESK_TLS_CERT', default: '', parse: text, doc: 'PEM certificate file for STARTTLS; empty = a self-signed one generated in the data dir.' },
  { key: 'tls.key', env: 'MXDESK_TLS_KEY', default: '', parse: text, doc: 'PEM private key file matching tls.cert.' },
  { key: 'dns.servers', env: 'MXDESK_DNS_SERVERS', default: [] as string[], parse: list(dnsServer), doc: 'DNS servers for SPF/DKIM/DMARC (host[:port] list); empty = the system resolver.' },
  { key: 'dns.timeoutMs', env: 'MXDESK_DNS_TIMEOUT_MS', default: 5000, parse: integer(100, 60_000), doc: 'Time allowed to one DNS query; past it the verdict is temperror.' },
  { key: 'admin.email', env: 'MXDESK_ADMIN_EMAIL', default: '', parse: email, doc: 'Admin created on first start; empty = admin@<first domain>.' },
  { key: 'admin.password', env: 'MXDESK_ADMIN_PASSWORD', default: '', parse: text, doc: 'Password of that admin; empty = a random one, printed once.' },
  { key: 'secretKey', env: 'MXDESK_SECRET_KEY', default: '', parse: text, doc: 'Key that encrypts relay passwords and signs tokens; empty = generated in the data dir (mode 0600).' },
  { key: 'dmarc.rejectAction', env: 'MXDESK_DMARC_REJECT_ACTION', default: 'reject' as 'reject' | 'quarantine' | 'accept', parse: oneOf('reject', 'quarantine', 'accept'), doc: 'What to do with mail failing DMARC under p=reject: reject (550 5.7.1), quarantine (flagged, no acknowledgement) or accept.' },
  { key: 'outbound.retrySchedule', env: 'MXDESK_OUTBOUND_RETRY_SCHEDULE', default: [60_000, 300_000, 900_000, 3_600_000, 7_200_000, 14_400_000], parse: list(duration), doc: 'Waits between delivery attempts to a relay after a 4xx or network error; the last one repeats.' },
  { key: 'outbound.giveUpAfter', env: 'MXDESK_OUTBOUND_GIVE_UP_AFTER', default: 172_800_000, parse: duration, doc: 'A reply still not accepted by its relay this long after it was queued is marked failed.' },
  { key: 'outbound.timeoutMs', env: 'MXDESK_OUTBOUND_TIMEOUT_MS', default: 30_000, parse: integer(100, 600_000), doc: 'Time allowed to a relay to connect, greet and answer each command.' },
  { key: 'log.level', env: 'MXDESK_LOG_LEVEL', default: 'info', parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), doc: 'Log level (pino).' },
] as const satisfies readonly Setting<any>[];
