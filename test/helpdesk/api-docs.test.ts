import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, startTestApp, type TestApp } from '../helpers/app.js';
import { routesOf } from '../../src/http/docs.js';
import { launchChromium } from '../panel/browser.js';

// The OpenAPI document at /api/docs/openapi.json, generated from the routes' schemas, and
// the browsable page at /api/docs under the panel's Content-Security-Policy.

describe('API documentation', () => {
  let app: TestApp;
  let browser: Browser;
  let doc: any;

  beforeAll(async () => {
    app = await startTestApp({ login: false });
    browser = await launchChromium();
    const res = await fetch(`${baseUrl(app)}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    doc = await res.json();
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
  });

  it('describes every route under /api/v1, with its input schema', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]: [string, any]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const api = routesOf(app.http).filter((r) => r.includes(' /api/v1/')).map((r) => r.replace(/:(\w+)/g, '{$1}'));
    expect(api.length).toBeGreaterThan(40);
    expect(api.filter((r) => !documented.has(r))).toEqual([]);
    // Every path parameter is validated (a typed schema), so /tickets/abc is a 400, not a lookup.
    const untyped = Object.entries(doc.paths).flatMap(([p, ops]: [string, any]) => Object.entries(ops).flatMap(([m, op]: [string, any]) =>
      [...p.matchAll(/\{(\w+)\}/g)].filter(([, name]) => !(op.parameters ?? []).some((x: any) => x.in === 'path' && x.name === name && x.schema?.type)).map(() => `${m} ${p}`)));
    expect(untyped).toEqual([]);
    expect(doc.paths['/api/v1/tickets/{number}'].patch.requestBody.content['application/json'].schema.properties).toHaveProperty('priority');
    expect(doc.paths['/api/v1/tickets'].get.parameters.map((p: any) => p.name)).toContain('q');
  });

  it('renders the routes in a browser without breaking the Content-Security-Policy', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      // Swagger UI sets one inline style (its hidden SVG sprite), which the policy blocks without harm.
      if (/Content Security Policy/i.test(m.text()) && !/inline style/.test(m.text())) violations.push(m.text());
    });
    for (const url of ['/api/docs', '/api/docs/']) {
      const res = await page.goto(`${baseUrl(app)}${url}`);
      expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByText('/api/v1/webhooks/{id}/deliveries').first().waitFor();
    }
    expect(violations).toEqual([]);
    await page.close();
  });
});
