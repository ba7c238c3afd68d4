import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, baseUrl, json, startTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, logInThroughPanel } from './browser.js';

// The panel's language is chosen per user: picked once, it follows the agent to every
// browser they log in from, whatever that browser prefers.

describe('the panel language, per user', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('keeps the language an agent picks on their user, for their next browser', async () => {
    const first = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    first.setDefaultTimeout(15_000);
    await logInThroughPanel(first, baseUrl(app));
    await first.getByLabel('Language').selectOption({ label: 'Español' });
    await first.getByRole('heading', { name: 'Bandeja' }).waitFor();
    await expect.poll(async () => (await json(app.api('/api/v1/auth/me'))).user.language).toBe('es');

    // Another browser, English by preference and with nothing saved: the user's choice wins.
    const second = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    second.setDefaultTimeout(15_000);
    await second.goto(`${baseUrl(app)}/`);
    await second.getByLabel('Email').fill(ADMIN.email);
    await second.getByLabel('Password').fill(ADMIN.password);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.getByRole('heading', { name: 'Bandeja' }).waitFor();
    expect(await second.evaluate(() => document.documentElement.lang)).toBe('es');
  }, 60_000);

  it('takes only a language the panel speaks, and null to follow the browser again', async () => {
    const bad = await app.api('/api/v1/users/me', { method: 'PATCH', json: { language: 'fr' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBeTruthy();
    const reset = await app.api('/api/v1/users/me', { method: 'PATCH', json: { language: null } });
    expect(await json(reset)).toEqual({ language: null });
    expect((await json(app.api('/api/v1/auth/me'))).user.language).toBeNull();
  });
});
