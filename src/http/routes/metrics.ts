import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '../../metrics/metrics.js';
import { authenticate } from '../sessions.js';
import { requireDesk } from '../guard.js';

/** Loopback in IPv4, IPv6 and IPv4-mapped IPv6 form. */
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * GET /metrics for Prometheus. Open to the machine itself (a scraper on the host, or
 * `curl localhost`); from anywhere else it needs an admin's API token (Authorization:
 * Bearer), since queue depths and refusal counts tell an outsider about the business.
 * req.ip honours X-Forwarded-For only from a loopback proxy, so a request relayed by a
 * reverse proxy on the same host is judged by its real client, not by the proxy.
 */
export async function metricsRoutes(app: FastifyInstance, opts: { metrics: Metrics }): Promise<void> {
  const { metrics } = opts;
  app.get('/metrics', async (req, reply) => {
    if (!LOOPBACK.test(req.ip)) await requireAdmin(app, req);
    return reply.type(metrics.contentType).send(await metrics.text());
  });
}

async function requireAdmin(app: FastifyInstance, req: FastifyRequest): Promise<void> {
  req.auth = await authenticate(app.deps.db, req, app.deps.now());
  req.user = req.auth.user;
  requireDesk(req, 'manage-settings');
}
