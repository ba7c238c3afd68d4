import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN } from '../helpers/app.js';

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

/** Debian's Chromium, headless, as CI installs it (.ci/run). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.MXDESK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Logs in through the login form, like an agent, and waits for the live connection. */
export async function logInThroughPanel(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await page.locator('[data-live="on"]').waitFor();
}
