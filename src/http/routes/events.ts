import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { LiveEvent } from '../live.js';

// Proxies and load balancers drop a connection that stays silent for about a minute
// (nginx proxy_read_timeout defaults to 60 s); a comment line every 25 s keeps it open.
const HEARTBEAT_MS = 25_000;
// How long the browser waits before reconnecting (WHATWG HTML §9.2 "retry" field).
const RETRY_MS = 3_000;

/** GET /events: Server-Sent Events (WHATWG HTML §9.2) telling the panel a ticket changed. */
export async function eventRoutes(app: FastifyInstance): Promise<void> {
  const { live } = app.deps;
  const streams = new Set<ServerResponse>();

  // An open stream would keep the server from closing: end them all first.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  app.get('/events', async (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // Tells nginx not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    streams.add(res);
    const send = (event: LiveEvent) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    const unsubscribe = live.subscribe(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  });
}
