import type { Envelope } from '../desk/types.js';

/**
 * The trace header of RFC 5321 §4.4 (grammar in RFC 5322 §3.6.7), added at the top of
 * every accepted message. "with" follows RFC 3848: ESMTPS when the session used TLS.
 */
export function receivedHeader(env: Envelope, opts: { hostname: string; id: string; now: number; protocol: 'SMTP' | 'ESMTP' }): string {
  const proto = env.tls ? `${opts.protocol}S` : opts.protocol;
  const ip = env.clientIp.includes(':') ? `IPv6:${env.clientIp}` : env.clientIp;
  const from = `from ${sanitise(env.helo) || 'unknown'} (${env.clientHostname ? sanitise(env.clientHostname) + ' ' : ''}[${ip}])`;
  const tls = env.tls && env.tlsCipher ? ` (${sanitise(env.tlsCipher)})` : '';
  const forClause = env.rcptTo.length === 1 ? `\r\n\tfor <${sanitise(env.rcptTo[0]!)}>` : '';
  return `Received: ${from}\r\n\tby ${opts.hostname} (mxdesk) with ${proto}${tls} id ${opts.id}${forClause};\r\n\t${rfc5322Date(opts.now)}\r\n`;
}

/** Client-supplied text must not break out of the header: no control characters, no parens. */
function sanitise(s: string): string {
  return s.replace(/[\x00-\x1f\x7f()<>;\\]/g, '').slice(0, 255);
}

/** RFC 5322 §3.3 date-time in UTC, e.g. "Sun, 22 Nov 2026 17:47:38 +0000". */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
