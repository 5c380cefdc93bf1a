import { afterAll, beforeAll, inject } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
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
