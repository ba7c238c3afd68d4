import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ApiError } from './errors.js';

/** Where `vite build` puts the panel: web/dist, from src/http (tsx) and dist/http (tsc) alike. */
export const PANEL_DIR = path.resolve(import.meta.dirname, '../../web/dist');

/**
 * The panel's Content-Security-Policy: its own scripts and styles only, no inline script,
 * frames only from us (the sanitised mail), no plugins, no <base> tricks, no framing by others.
 */
export const PANEL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "child-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function panelHeaders(reply: FastifyReply | { setHeader(name: string, value: string): void }, file: string): void {
  const set = 'setHeader' in reply ? (n: string, v: string) => reply.setHeader(n, v) : (n: string, v: string) => void reply.header(n, v);
  set('Content-Security-Policy', PANEL_CSP);
  // Vite names assets by content hash: they never change. index.html must be revalidated.
  set('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * Serves the built panel at / and answers every other GET outside /api with index.html, so
 * that a reload on /tickets/1001 opens that ticket (the panel routes in the browser).
 */
export async function panelRoutes(app: FastifyInstance, opts: { root?: string }): Promise<void> {
  const root = opts.root ?? PANEL_DIR;
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'panel: not built; run `npm run build`');
    app.get('/', async () => {
      throw new ApiError(503, 'panel_not_built', 'The panel is not built: run `npm run build`.');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    setHeaders: (res, file) => panelHeaders(res, file),
  });
  app.get('/*', async (req, reply) => {
    if (req.url.startsWith('/api/')) throw new ApiError(404, 'not_found', `No route ${req.method} ${req.url}.`);
    panelHeaders(reply, 'index.html');
    return reply.sendFile('index.html');
  });
}
