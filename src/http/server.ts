import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { ApiError } from './errors.js';
import { lazyValidators } from './lazy-validators.js';
import { authenticate, checkCsrf, type Authenticated } from './sessions.js';
import { LoginThrottle, type ThrottleLimits } from './throttle.js';
import type { OutboundWorker, OutboundConfig } from '../outbound/worker.js';
import { fromAddressRoutes } from './routes/from-addresses.js';
import { replyRoutes } from './routes/replies.js';
import { dkimRoutes } from './routes/dkim.js';
import { healthRoutes } from './routes/health.js';
import { authRoutes } from './routes/auth.js';
import { ticketRoutes } from './routes/tickets.js';
import { messageRoutes } from './routes/messages.js';
import { supportAddressRoutes } from './routes/support-addresses.js';
import { eventRoutes } from './routes/events.js';
import { htmlRoutes } from './routes/html.js';
import { panelRoutes } from './panel.js';
import type { LiveHub } from './live.js';
import { helpdeskRoutes } from './routes/helpdesk.js';
import { webhookRoutes } from './routes/webhooks.js';
import { registerApiDocs } from './docs.js';
import { contactCsvRoutes } from './routes/contacts-csv.js';
import { ratingPageRoutes } from './routes/ratings.js';
import { helpCentrePageRoutes, type HelpCentreLimits } from './routes/help-centre-pages.js';
import type { RuleTrigger } from '../desk/rules.js';
import { draftRoutes } from './routes/drafts.js';
import type { User } from '../desk/types.js';
import type { Metrics } from '../metrics/metrics.js';
import { metricsRoutes } from './routes/metrics.js';
import { opsRoutes, type OpsDeps } from './routes/ops.js';

export interface HttpDeps {
  db: Db;
  log: Logger;
  /** The queue replies go to, and what sealing relay passwords and signing Message-IDs need. */
  outbound: { worker: OutboundWorker; secret: Buffer; config: OutboundConfig };
  /** True when SMTP, store and HTTP are all serving. */
  healthy: () => boolean;
  /** Makes the MX take up changed support addresses (after the support-addresses API changed them). */
  reloadRouting?: () => Promise<void>;
  /** Ticket changes pushed to the panel (Server-Sent Events). */
  live: LiveHub;
  /** The built panel; web/dist unless a test says otherwise. */
  panelDir?: string;
  /** The clock; tests move it to run auto-close and due dates without sleeping. */
  now?: () => number;
  loginLimits?: ThrottleLimits;
  /** Counters and latencies served at GET /metrics. */
  metrics?: Metrics;
  /** Backup download, export and import (src/http/routes/ops.ts). */
  ops?: OpsDeps;
  /** Runs the rules after a field change (src/automation/run-rules.ts). */
  rules?: { run(ticketNumber: number, trigger: RuleTrigger): Promise<unknown> };
  /** Submissions per IP on the help centre's public pages; the defaults suit production. */
  helpCentreLimits?: HelpCentreLimits;
  /** True while the full-text index is rebuilt after an upgrade: search answers 503 then. */
  searchRebuilding?: () => boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
    auth?: Authenticated;
  }
  interface FastifyInstance {
    deps: HttpDeps & { now: () => number; loginThrottle: LoginThrottle };
    /** Compiles every route schema not compiled yet (they compile on first call); returns how many. */
    compileAllValidators(): number;
  }
}

export function buildHttp(deps: HttpDeps): FastifyInstance {
  const validators = lazyValidators();
  const app = Fastify({
    loggerInstance: deps.log.child({ part: 'http' }) as any,
    bodyLimit: 30 * 1024 * 1024,
    trustProxy: 'loopback',
    schemaController: { compilersFactory: { buildValidator: validators } },
  });
  app.decorate('compileAllValidators', () => validators.compileAll());
  const now = deps.now ?? Date.now;
  app.decorate('deps', { ...deps, now, loginThrottle: new LoginThrottle(deps.loginLimits, now) });
  app.register(cookie);

  app.addHook('onSend', async (_req, reply, payload) => {
    // Security headers on every answer (OWASP secure headers).
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    // A route that is meant to be framed (the sanitised mail) sets its own.
    if (!reply.hasHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
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

  if (deps.metrics) {
    const metrics = deps.metrics;
    app.addHook('onResponse', async (req, reply) => {
      metrics.httpAnswered(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
    app.register(metricsRoutes, { metrics });
  }
  registerApiDocs(app);
  app.register(healthRoutes);
  app.register(authRoutes, { prefix: '/api/v1' });
  app.register(async (api) => {
    // Everything below needs a logged-in user; roles are checked per route (src/http/guard.ts).
    api.addHook('onRequest', async (req) => {
      req.auth = await authenticate(deps.db, req, now());
      req.user = req.auth.user;
      checkCsrf(req, req.auth);
    });
    api.register(fromAddressRoutes);
    api.register(replyRoutes);
    api.register(dkimRoutes);
    api.register(ticketRoutes);
    api.register(messageRoutes);
    api.register(supportAddressRoutes);
    api.register(htmlRoutes);
    api.register(eventRoutes);
    api.register(helpdeskRoutes);
    if (deps.ops) api.register(opsRoutes, deps.ops);
    api.register(webhookRoutes);
    api.register(contactCsvRoutes);
    api.register(draftRoutes);
  }, { prefix: '/api/v1' });
  // Public: the customer's rating page, authorised by its signed link (issue 5).
  app.register(ratingPageRoutes);
  // Public: the help centre's forms and the customer portal (issue 5).
  app.register(helpCentrePageRoutes, { limits: deps.helpCentreLimits });
  app.register(panelRoutes, { root: deps.panelDir });
  return app;
}
