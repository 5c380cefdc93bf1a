import { afterAll, beforeAll, inject } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { botPolicy } from '../../src/server/bot-defence/bot-policy.ts';
import { serveSite, type RunningSite } from './site-server.ts';

/** Debian's Chromium, driven by playwright-core; no test tool downloads a browser of its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** The test build served and a browser open for the tests of one file; both closed after. */
export function siteInBrowser(): { site: () => RunningSite; browser: () => Browser } {
  let site: RunningSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [site, browser] = await Promise.all([serveSite(inject('siteDir')), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not started yet`);
    return value;
  };
  return { site: () => ready(site, 'site'), browser: () => ready(browser, 'browser') };
}

/**
 * Waits until the sign-in or newsletter form on `page` has been open as long as the bot
 * defence asks of a person (a page without a stamp, a static one, needs no wait). People
 * take that long anyway; a test filling the form at once would be refused as too fast.
 */
export async function waitUntilFormIsOldEnough(page: Page): Promise<void> {
  const stamps = page.locator(`input[name="${botPolicy.stampField}"]`);
  if ((await stamps.count()) === 0) return;
  const stamp = (await stamps.first().getAttribute('value')) ?? '';
  const waitMs = Number(stamp.split('.')[0]) + botPolicy.minimumFormAgeMs - Date.now();
  if (waitMs > 0) await new Promise((wake) => setTimeout(wake, waitMs + 50));
}
