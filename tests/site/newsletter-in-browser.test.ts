/**
 * The newsletter end to end, in Chromium against the real server: a reader subscribes
 * from a post, confirms from the outbox, the owner sends the digest from
 * /admin/newsletter, the reader's copy arrives (with the paid post as a teaser only) and
 * its upgrade button leads through sign-in to Stripe Checkout; once paid, the campaign
 * is credited with the conversion.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-api.ts';
import { launchBrowser, waitUntilFormIsOldEnough } from './browser.ts';
import { createDemoPrices } from './demo-prices.ts';
import { CANARY } from './canary.ts';
import { signInOverHttp } from './http-sign-in.ts';
import { linkIn, waitForEmail } from './outbox-messages.ts';
import { serveSite, type RunningSite } from './site-server.ts';


describe('a reader subscribes, gets the digest, and pays from it', () => {
  let fake: FakeStripe;
  let site: RunningSite;
  let browser: Browser;
  let reader: BrowserContext;
  let owner: BrowserContext;
  let page: Page;
  const email = `subscriber-${Date.now()}@example.com`;
  const at = (path: string) => new URL(path, site.url).href;
  let upgradeLink = '';

  beforeAll(async () => {
    fake = await startFakeStripe();
    [site, browser] = await Promise.all([
      serveSite(inject('siteDir'), { STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: fake.webhookSecret, STRIPE_API_BASE: fake.url }),
      launchBrowser(),
    ]);
    fake.setWebhookUrl(`${site.url}/api/stripe/webhook`);
    await createDemoPrices(fake);
    reader = await browser.newContext();
    page = await reader.newPage();
    owner = await browser.newContext();
    const [name, value] = (await signInOverHttp(site, 'wren@hedgerow.example')).split(/=(.*)/s) as [string, string];
    await owner.addCookies([{ name, value, url: site.url }]);
  });
  afterAll(async () => {
    await reader?.close();
    await owner?.close();
    await browser?.close();
    await site?.stop();
    await fake?.close();
  });

  it('subscribes from the end of a post and confirms from the email', async () => {
    await page.goto(at('/posts/first-frost-walk'));
    const form = page.locator('main form', { has: page.getByRole('button', { name: 'Subscribe' }) }).first();
    await form.getByLabel('Your email').fill(email);
    const sent = new Date();
    await waitUntilFormIsOldEnough(page);
    await form.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL((url) => url.pathname === '/subscribe/check');

    const confirmation = await waitForEmail(site.outboxDir, email, { after: sent });
    const link = /https?:\/\/\S+\/subscribe\/confirm\?token=[A-Za-z0-9_-]+/.exec(confirmation.text)?.[0];
    expect(link, confirmation.text).toBeDefined();
    await page.goto(link ?? '');
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'subscribed');
    expect(await page.locator('main').innerText()).toMatch(/subscribed/i);
  });

  it('is sent the digest when the owner sends it from /admin/newsletter, with the paid post as a teaser only', async () => {
    const admin = await owner.newPage();
    await admin.goto(at('/admin/newsletter'));
    await admin.getByRole('link', { name: /^Send to \d+ subscribers? now/ }).click();
    const sent = new Date();
    await admin.getByRole('button', { name: /^Yes, send to/ }).click();
    await admin.waitForURL((url) => url.pathname === '/admin/newsletter' && !url.search.includes('confirm'));

    const digest = await waitForEmail(site.outboxDir, email, { after: sent });
    expect(digest.tag).toBe('digest');
    expect(digest.html).not.toContain(CANARY);
    expect(digest.text).not.toContain(CANARY);
    upgradeLink = /https?:\/\/\S+\/join\?tier=naturalist&\S*campaign=[a-z2-7]+/.exec(digest.text)?.[0] ?? '';
    expect(upgradeLink, digest.text).not.toBe('');
    await admin.close();
  });

  it('follows the upgrade link through sign-in to Checkout, and the payment is credited to the digest', async () => {
    await page.goto(upgradeLink);
    const card = page.locator('section.tier-card', { has: page.getByRole('heading', { name: 'Naturalist', exact: true }) });
    await card.getByRole('button', { name: 'Join as Naturalist' }).click();
    // Not signed in: the address comes first, then straight back to the tier.
    await page.waitForURL((url) => url.pathname === '/signin');
    await page.getByLabel('Email address').fill(email);
    const sent = new Date();
    await waitUntilFormIsOldEnough(page);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.goto(linkIn(await waitForEmail(site.outboxDir, email, { after: sent })));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/join' && url.searchParams.get('campaign') !== null);
    await card.getByRole('button', { name: 'Join as Naturalist' }).click();
    await page.waitForURL((url) => url.origin === fake.url && url.pathname.startsWith('/checkout/'));
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL((url) => url.origin === site.url && url.pathname === '/join/welcome');
    await page.getByRole('heading', { name: 'Welcome to The Hedgerow' }).waitFor({ timeout: 45_000 });

    const campaignId = /campaign=([a-z2-7]+)/.exec(upgradeLink)?.[1];
    const [subscription] = fake.subscriptions();
    expect(subscription?.metadata?.coterie_source).toContain(`digest:${campaignId}`);

    const admin = await owner.newPage();
    await admin.goto(at('/admin/newsletter'));
    // The only campaign so far, newest first; its last column counts paid conversions.
    const row = admin.locator('.newsletter-admin-table tbody tr').first();
    expect(await row.locator('td').last().innerText()).toBe('1');
    expect(await row.locator('td').nth(2).innerText()).toBe('1');
    await admin.close();
  });
});
