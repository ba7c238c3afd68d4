import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { ApiError } from './errors.js';
import { currentUser } from './sessions.js';
import type { OutboundWorker, OutboundConfig } from '../outbound/worker.js';
import { fromAddressRoutes } from './routes/from-addresses.js';
import { replyRoutes } from './routes/replies.js';
import { dkimRoutes } from './routes/dkim.js';
import { healthRoutes } from './routes/health.js';
import { authRoutes } from './routes/auth.js';
import { ticketRoutes } from './routes/tickets.js';
import { messageRoutes } from './routes/messages.js';
import type { User } from '../desk/types.js';

export interface HttpDeps {
  db: Db;
  log: Logger;
  /** The queue replies go to, and what sealing relay passwords and signing Message-IDs need. */
  outbound: { worker: OutboundWorker; secret: Buffer; config: OutboundConfig };
  /** True when SMTP, store and HTTP are all serving. */
  healthy: () => boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
  interface FastifyInstance {
    deps: HttpDeps;
  }
}

export function buildHttp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log.child({ part: 'http' }) as any,
    bodyLimit: 30 * 1024 * 1024,
    trustProxy: 'loopback',
  });
  app.decorate('deps', deps);
  app.register(cookie);

  app.addHook('onSend', async (_req, reply, payload) => {
    // Security headers on every answer (OWASP secure headers).
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    return payload;
  });

  app.setErrorHandler((err: any, _req, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    }
    if (err.validation) {
      return reply.status(400).send({ error: { code: 'invalid_request', message: `Invalid request: ${err.message}` } });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: err.code ?? 'bad_request', message: err.message } });
    }
    deps.log.error({ err }, 'http: unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url}.` } });
  });

  app.register(healthRoutes);
  app.register(authRoutes, { prefix: '/api/v1' });
  app.register(async (api) => {
    // Everything below needs a logged-in user.
    api.addHook('onRequest', async (req) => {
      req.user = await currentUser(deps.db, req);
    });
    api.register(fromAddressRoutes);
    api.register(replyRoutes);
    api.register(dkimRoutes);
    api.register(ticketRoutes);
    api.register(messageRoutes);
  }, { prefix: '/api/v1' });
  return app;
}
