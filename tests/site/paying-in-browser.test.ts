import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse } from 'yaml';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-api.ts';
import { hedgerowDir } from '../support/communities.ts';
import { launchBrowser, waitUntilFormIsOldEnough } from './browser.ts';
import { createDemoPrices, demoTiers as tiers } from './demo-prices.ts';
import { CANARY } from './canary.ts';
import { demoPosts, plainPhrase } from './demo-posts.ts';
import { linkIn, waitForEmail } from './outbox-messages.ts';
import { serveSite, type RunningSite } from './site-server.ts';

const language: string = parse(readFileSync(resolve(hedgerowDir, 'site.yaml'), 'utf8')).language;
const naturalist = tiers.find((tier) => tier.id === 'naturalist');
// A paid post with a teaser above its paywall line, so "sees the teaser" is a phrase to find.
const paidPost = demoPosts().find((post) => post.access === 'paid' && /^<Paywall\s*\/>$/m.test(post.body));
const postPath = `/posts/${paidPost?.slug}`;
const teaser = plainPhrase(paidPost?.body ?? '');
const day = 24 * 60 * 60;
// Set COTERIE_SCREENSHOTS=/tmp/coterie-shots to keep pictures of the billing pages.
const shotsDir = process.env.COTERIE_SCREENSHOTS;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!shotsDir) return;
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: resolve(shotsDir, `${name}.png`), fullPage: true });
}


describe('a newcomer pays for Naturalist through Stripe, cancels, and loses access when the period ends', () => {
  let fake: FakeStripe;
  let site: RunningSite;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `payer-${Date.now()}@example.com`;
  const at = (path: string) => new URL(path, site.url).href;

  beforeAll(async () => {
    fake = await startFakeStripe();
    [site, browser] = await Promise.all([
      serveSite(inject('siteDir'), { STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: fake.webhookSecret, STRIPE_API_BASE: fake.url }),
      launchBrowser(),
    ]);
    fake.setWebhookUrl(`${site.url}/api/stripe/webhook`);
    await createDemoPrices(fake);
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await site?.stop();
    await fake?.close();
  });

  /** The post as the server sent it, and what the reader sees of it. */
  async function openPost(): Promise<{ html: string; text: string }> {
    const response = await page.goto(at(postPath));
    if (!response) throw new Error(`No response for ${postPath}`);
    return { html: await response.text(), text: await page.locator('main').innerText() };
  }

  it('has the demo post and tier it needs', () => {
    expect(paidPost, 'a paid post with <Paywall />').toBeDefined();
    expect(teaser).not.toBe('');
    expect(naturalist?.name).toBe('Naturalist');
  });

  it('signs in through the outbox and, as a free member, sees only the teaser and an upgrade', async () => {
    const sent = new Date();
    await page.goto(at('/signin'));
    await page.getByLabel('Email address').fill(email);
    await waitUntilFormIsOldEnough(page);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.waitForURL((url) => url.pathname === '/signin/check');
    await page.goto(linkIn(await waitForEmail(site.outboxDir, email, { after: sent })));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/signin/confirm');

    const { html, text } = await openPost();
    expect(html).not.toContain(CANARY);
    expect(text).toContain(teaser);
    expect(await page.locator('.gate-notice').getByRole('link', { name: `Upgrade to ${naturalist?.name}` }).count()).toBe(1);
  });

  it('follows the upgrade to /join, pays Naturalist monthly at Checkout, is welcomed, and reads the whole post', async () => {
    await page.locator('.gate-notice').getByRole('link', { name: `Upgrade to ${naturalist?.name}` }).click();
    await page.waitForURL((url) => url.pathname === '/join');
    await screenshot(page, 'join');
    const card = page.locator('section.tier-card', { has: page.getByRole('heading', { name: naturalist?.name, exact: true }) });
    await card.getByLabel('Monthly').check();
    await card.getByRole('button', { name: `Join as ${naturalist?.name}` }).click();

    await page.waitForURL((url) => url.origin === fake.url && url.pathname.startsWith('/checkout/'));
    expect(await page.locator('main').innerText()).toContain(email);
    await page.getByRole('button', { name: 'Pay' }).click();

    await page.waitForURL((url) => url.origin === site.url && url.pathname === '/join/welcome');
    // The page refreshes itself until the webhook has stored the subscription.
    await page.getByRole('heading', { name: 'Welcome to The Hedgerow' }).waitFor({ timeout: 45_000 });
    expect(await page.locator('main').innerText()).toContain(`You are now a ${naturalist?.name} member`);
    await screenshot(page, 'welcome');

    const { html, text } = await openPost();
    expect(html).toContain(CANARY);
    expect(text).toContain(CANARY);
    expect(await page.locator('.gate-notice').count()).toBe(0);
  });

  it('cancels at period end in the portal and keeps reading until then; the account says when it ends', async () => {
    await page.goto(at('/account'));
    await screenshot(page, 'account-subscribed');
    await page.getByRole('button', { name: 'Manage membership and payments' }).click();
    await page.waitForURL((url) => url.origin === fake.url && url.pathname.startsWith('/portal/'));
    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.getByRole('link', { name: 'Return' }).click();
    await page.waitForURL((url) => url.origin === site.url && url.pathname === '/account');
    await fake.webhooksSettled();

    const [subscription] = fake.subscriptions();
    expect(subscription?.cancel_at).toBeTypeOf('number');
    const endsOn = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date((subscription?.cancel_at ?? 0) * 1000));
    await page.reload();
    await screenshot(page, 'account-cancelled');
    expect(await page.locator('#billing').innerText()).toContain(`Ends ${endsOn}`);

    const { html } = await openPost();
    expect(html).toContain(CANARY);
  });

  it('once the period has ended, sees the teaser again', async () => {
    fake.advanceTime(32 * day);
    await fake.webhooksSettled();
    const { html, text } = await openPost();
    expect(html).not.toContain(CANARY);
    expect(text).toContain(teaser);
    expect(await page.locator('.gate-notice').getByRole('link', { name: `Upgrade to ${naturalist?.name}` }).count()).toBe(1);
  });
});

describe('a site without Stripe', () => {
  it('says payments are not set up yet and offers no way to join a paid tier', async () => {
    const site = await serveSite(inject('siteDir'));
    try {
      const answer = await fetch(new URL('/join', site.url));
      const html = await answer.text();
      expect(answer.status).toBe(200);
      expect(html).toContain('Payments are not set up yet');
      expect(html).not.toMatch(/join as/i);
      expect(html).not.toContain('action="/join"');
    } finally {
      await site.stop();
    }
  });

  it('refuses to start with a publishable key in STRIPE_SECRET_KEY, saying which variable is wrong', async () => {
    const starting = serveSite(inject('siteDir'), { STRIPE_SECRET_KEY: 'pk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_fake_coterie_test_secret' });
    await expect(starting).rejects.toThrow(/STRIPE_SECRET_KEY must be a secret key \(sk_test_… or sk_live_…\)/);
    await expect(starting).rejects.toThrow(/exited \(1\) before listening/);
  });
});
