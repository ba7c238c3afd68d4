import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LiveEvent } from '../live.js';
import { canSeeTicket } from '../../desk/access.js';
import { getSettings } from '../../store/directory.js';
import { getTicket } from '../../store/tickets.js';
import { userOf } from '../guard.js';

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

  // Whether the user may see the ticket an event is about: read when the event happens, so
  // that a ticket moved out of their departments stops reaching them at once.
  const mayHear = async (req: FastifyRequest, event: LiveEvent) => {
    const user = userOf(req);
    const [ticket, settings] = await Promise.all([getTicket(app.deps.db, event.ticketNumber), getSettings(app.deps.db)]);
    return !!ticket && canSeeTicket(user, ticket, settings);
  };

  app.get('/events', async (req, reply) => {
    userOf(req);
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
    // Events are checked one after another, so the stream keeps the order they happened in.
    let queue = Promise.resolve();
    const send = (event: LiveEvent) => {
      queue = queue.then(async () => {
        if (res.writableEnded || !(await mayHear(req, event))) return;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      }).catch((err) => req.log.warn({ err, ticket: event.ticketNumber }, 'events: could not check who may see a ticket'));
    };
    const unsubscribe = live.subscribe(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  });
}
