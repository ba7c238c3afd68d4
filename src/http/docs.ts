import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { PANEL_CSP } from './panel.js';

// The OpenAPI document, generated from the routes' JSON schemas (the schema is the
// validation and the documentation at once), and a browsable page at /api/docs.

/** Every route as registered, "METHOD /path", so a test can hold the document against it. */
const registered = new WeakMap<FastifyInstance, string[]>();
export const routesOf = (app: FastifyInstance) => registered.get(app) ?? [];

/** Call on the root instance before any route is registered: both hooks see routes as they come. */
export function registerApiDocs(app: FastifyInstance): void {
  const routes: string[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${r.url}`);
  });
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'mxdesk API', version: '1', description: 'The help desk over REST. Errors answer {error: {code, message}}. See docs/helpdesk-api.md.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mxdesk_session', description: 'The panel session; state-changing requests also need the X-CSRF-Token header.' },
          token: { type: 'http', scheme: 'bearer', description: 'A personal API token (POST /api/v1/tokens).' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // The page runs under the panel's policy: its own scripts only, nothing inline.
    staticCSP: PANEL_CSP,
    uiConfig: { docExpansion: 'list', deepLinking: false, validatorUrl: null },
  });
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
