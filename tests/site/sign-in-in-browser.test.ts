import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { parse } from 'yaml';
import { hedgerowDir } from '../support/communities.ts';
import { siteInBrowser, waitUntilFormIsOldEnough } from './browser.ts';
import { formStamp } from './http-sign-in.ts';
import { CANARY } from './canary.ts';
import { demoPosts, plainPhrase } from './demo-posts.ts';
import { codeIn, linkIn, waitForEmail } from './outbox-messages.ts';

const { site, browser } = siteInBrowser();

// A post with a teaser above its paywall line, so "sees the teaser" is a phrase to find.
const membersPost = demoPosts().find((post) => post.access === 'members' && /^<Paywall\s*\/>$/m.test(post.body));
const paidPost = demoPosts().find((post) => post.access === 'paid');
const cheapestTier = publicTiersCheapestFirst()[0];
const sessionCookie = 'coterie_session';
// Set COTERIE_SCREENSHOTS=/tmp/coterie-shots to keep pictures of the sign-in pages.
const shotsDir = process.env.COTERIE_SCREENSHOTS;

function publicTiersCheapestFirst(): { id: string; name: string }[] {
  const tiers: { id: string; name: string; visibility?: string; prices: { monthly: number } }[] = parse(
    readFileSync(resolve(hedgerowDir, 'tiers.yaml'), 'utf8'),
  );
  return tiers.filter((tier) => (tier.visibility ?? 'public') === 'public').sort((a, b) => a.prices.monthly - b.prices.monthly);
}

const at = (path: string) => new URL(path, site().url).href;

async function hasSession(context: BrowserContext): Promise<boolean> {
  return (await context.cookies(site().url)).some((cookie) => cookie.name === sessionCookie);
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!shotsDir) return;
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: resolve(shotsDir, `${name}.png`), fullPage: true });
}

/** Opens a page and returns the HTML the server sent, as it came over the wire. */
async function open(page: Page, path: string): Promise<string> {
  const response = await page.goto(at(path));
  if (!response) throw new Error(`No response for ${path}`);
  return response.text();
}

/** Presses the confirm page's button, and says what the server answered if it refused. */
async function pressSignIn(page: Page): Promise<void> {
  const [answer] = await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/signin/confirm'),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  expect(`${answer.status()} ${answer.status() === 303 ? '' : await answer.text()}`.trim()).toBe('303');
}

describe('a newcomer signs in by link from a members-only post', () => {
  const email = `newcomer-${Date.now()}@example.com`;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser().newContext();
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  it('has the demo posts and tiers it needs', () => {
    expect(membersPost, 'a members post with <Paywall />').toBeDefined();
    expect(paidPost, 'a paid post').toBeDefined();
    expect(cheapestTier?.name).toBe('Naturalist');
  });

  it('reads the teaser, follows "Sign in to read", confirms from the outbox and lands back on the whole post', async () => {
    const path = `/posts/${membersPost?.slug}`;
    const teaser = plainPhrase(membersPost?.body ?? '');
    expect(teaser).not.toBe('');

    const gatedHtml = await open(page, path);
    expect(gatedHtml).not.toContain(CANARY);
    expect(await page.locator('main').innerText()).toContain(teaser);
    const signInLink = page.locator('.gate-notice').getByRole('link', { name: 'Sign in to read' });
    expect(await signInLink.count()).toBe(1);

    await signInLink.click();
    await page.waitForURL((url) => url.pathname === '/signin');
    await screenshot(page, 'signin');
    await page.getByLabel('Email address').fill(email);
    await waitUntilFormIsOldEnough(page);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.waitForURL((url) => url.pathname === '/signin/check');
    await screenshot(page, 'signin-check');
    expect(await page.locator('h1').innerText()).toBe('Check your email');
    await waitForEmail(site().outboxDir, email);

    await page.goto(at('/dev/outbox'));
    await page.locator('tbody tr', { hasText: email }).first().getByRole('link').click();
    await page.waitForURL((url) => url.pathname.startsWith('/dev/outbox/'));
    // The email's HTML shows in its frame with its own inline styles (the button's padding).
    const emailButton = page.frameLocator('iframe.outbox-frame').locator('a[href*="/signin/confirm?token="]').first();
    expect(await emailButton.evaluate((link) => getComputedStyle(link).paddingTop)).toBe('14px');
    await page.locator('.outbox-text a[href*="/signin/confirm?token="]').click();
    await page.waitForURL((url) => url.pathname === '/signin/confirm');

    // Mail scanners open links too: opening one must not sign anybody in.
    expect(await hasSession(context)).toBe(false);
    expect(await page.locator('main').innerText()).toContain(email);

    await pressSignIn(page);
    await page.waitForURL((url) => url.pathname === path);
    expect(await hasSession(context)).toBe(true);
    expect(await page.locator('main').innerText()).toContain(CANARY);
    expect(await page.locator('.gate-notice').count()).toBe(0);
    expect(await page.locator('header a[href="/account"]').count()).toBe(1);
  });

  it('as a free member, still sees only the teaser of a paid post, naming the cheapest tier (payments are not set up here)', async () => {
    const html = await open(page, `/posts/${paidPost?.slug}`);
    expect(html).not.toContain(CANARY);
    const notice = page.locator('.gate-notice');
    // The upgrade button itself is checked with Stripe set up, in paying-in-browser.
    expect(await notice.innerText()).toContain(`Join as ${cheapestTier?.name}`);
    expect(await notice.innerText()).toContain('payments are not set up on this site yet');
    expect(await notice.getByRole('link', { name: /Upgrade to/ }).count()).toBe(0);
    expect(await notice.getByRole('link', { name: 'See memberships' }).getAttribute('href')).toBe('/join');
    expect(await notice.innerText()).not.toContain('Already a member? Sign in');
    // Signed in, as the header says, so the offer is not the one made to strangers.
    expect(await page.locator('header a[href="/account"]').count()).toBe(1);
  });

  it('signs out from the account page: the cookie is gone and the old session reads nothing', async () => {
    const before = (await context.cookies(site().url)).find((cookie) => cookie.name === sessionCookie);
    expect(before).toBeDefined();

    await page.goto(at('/account'));
    await screenshot(page, 'account');
    await page.locator('form[action="/signout"]').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/signout');
    expect(await page.locator('h1').innerText()).toBe('You are signed out');
    expect(await hasSession(context)).toBe(false);

    const path = `/posts/${membersPost?.slug}`;
    const html = await open(page, path);
    expect(html).not.toContain(CANARY);
    expect(await page.locator('.gate-notice').getByRole('link', { name: 'Sign in to read' }).count()).toBe(1);

    // A copy of the old cookie (a stolen one, say) must be dead on the server too.
    const replay = await fetch(at(path), { headers: { Cookie: `${sessionCookie}=${before?.value}` } });
    expect(await replay.text()).not.toContain(CANARY);
  });
});

describe('the emailed link', () => {
  it('is not used up by opening it: the confirm button still signs in afterwards', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const email = `scanner-${Date.now()}@example.com`;
    const path = `/posts/${membersPost?.slug}`;
    const sent = new Date();
    const request = await page.request.post(at('/signin'), {
      form: { email, next: path, form_started: formStamp(site(), 'signin') },
      headers: { Origin: site().url },
      maxRedirects: 0,
    });
    expect(request.status()).toBe(303);
    const link = linkIn(await waitForEmail(site().outboxDir, email, { after: sent }));
    expect(new URL(link).origin).toBe(site().url);

    // Opened twice, as a mail scanner and then the person would.
    for (const visit of [1, 2]) {
      const response = await page.goto(link);
      expect(response?.status(), `visit ${visit}`).toBe(200);
      expect(await hasSession(context), `visit ${visit}`).toBe(false);
    }
    expect(await open(page, path)).not.toContain(CANARY);

    await page.goto(link);
    await pressSignIn(page);
    await page.waitForURL((url) => url.pathname === path);
    expect(await hasSession(context)).toBe(true);
    expect(await page.locator('main').innerText()).toContain(CANARY);
    await context.close();
  });
});

describe('the emailed code', () => {
  it('typed at /signin/check in the browser that asked signs in', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const email = `code-${Date.now()}@example.com`;
    const sent = new Date();
    await page.goto(at('/signin'));
    await page.getByLabel('Email address').fill(email);
    await waitUntilFormIsOldEnough(page);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.waitForURL((url) => url.pathname === '/signin/check');
    const code = codeIn(await waitForEmail(site().outboxDir, email, { after: sent }));

    await page.getByLabel('Code from the email').fill(code);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    await screenshot(page, 'landing-after-code');
    expect(await hasSession(context)).toBe(true);
    // The landing page is the static home page, whose header is the same for everyone,
    // so the account link is looked for on a page rendered for this reader.
    await page.goto(at('/account'));
    expect(page.url()).toBe(at('/account'));
    expect(await page.locator('main').innerText()).toContain(email);
    expect(await page.locator('header a[href="/account"]').count()).toBe(1);
    await context.close();
  });
});
