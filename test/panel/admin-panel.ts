import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { baseUrl, startTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, logInThroughPanel } from './browser.js';

/** The WCAG levels issue 6 asks the panel to pass. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The axe violations on the page, one line each ("where: rule help at selectors"). */
export async function axeAudit(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return result.violations.map((v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export interface AdminPanel {
  app: TestApp;
  browser: Browser;
  /** The admin, logged in through the form, on a desktop-sized page. */
  page: Page;
  base: string;
  close(): Promise<void>;
}

/** A test app and Chromium with the admin logged in to the panel. */
export async function openAdminPanel(opts: Parameters<typeof startTestApp>[0] = {}): Promise<AdminPanel> {
  const [app, browser] = await Promise.all([startTestApp(opts), launchChromium()]);
  const base = baseUrl(app);
  // A context of our own: axe opens a helper page beside ours, which browser.newPage() forbids.
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
  await logInThroughPanel(page, base);
  return { app, browser, page, base, close: async () => void (await Promise.all([browser.close(), app.close()])) };
}
