import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  event: string;
  /** Whether X-Mxdesk-Signature held under the secret the receiver was given. */
  signed: boolean;
  body: { event: string; data: { ticket?: { number: number } } };
}

/**
 * A webhook receiver on loopback that keeps each call with whether its signature held
 * (t=<time>,v1=HMAC-SHA256 of "<time>.<body>"). `secret` is read at each call: a test learns
 * it only when the panel shows it.
 */
export function webhookReceiver(secret: () => string) {
  const calls: ReceivedCall[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-mxdesk-signature']));
      const signed = !!m && createHmac('sha256', secret()).update(`${m[1]}.${raw}`).digest('hex') === m[2];
      calls.push({ event: String(req.headers['x-mxdesk-event']), signed, body: JSON.parse(raw) });
      res.statusCode = 204;
      res.end();
    });
  });
  const listening = new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    calls,
    url: async (path = '/hook') => (await listening, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
