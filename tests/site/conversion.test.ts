/**
 * A reader follows a digest's upgrade link (`/join?tier=…&from=…&campaign=…`), signs in on
 * the way, and pays at the Stripe fake's Checkout: the campaign rides through sign-in into
 * the checkout's metadata, the webhook stores it on the subscription, and the owner sees
 * the conversion against the campaign on /admin/newsletter. Plain HTTP, real server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { openDatabase } from '../../db/client.ts';
import { campaigns, members } from '../../db/schema.ts';
import { upgradeLinkParams, upgradeLinksUntil } from '../../src/server/newsletter/upgrade-link.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-api.ts';
import { hedgerowDir } from '../support/communities.ts';
import { digestPlanFixture } from '../support/digest-plan-fixture.ts';
import { createDemoPrices, demoTiers as tiers } from './demo-prices.ts';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

const ownerEmail: string = parse(readFileSync(join(hedgerowDir, 'site.yaml'), 'utf8')).ownerEmail;
const tier = tiers[0];
const from = '/posts/mystery-photos-october';
const subject = 'The Hedgerow Weekly: the converting issue';

let fake: FakeStripe;
let site: RunningSite;
let workDir: string;
let campaignId: string;
// A subscriber who never signed in: the personal upgrade link's reader.
const subscriber = { id: 'subscriber2link', email: `letter-reader-${Date.now()}@example.com` };
const secret = 'conversion-test-secret-long-enough-to-sign-links';


beforeAll(async () => {
  // The digest whose link the reader follows, as the sender leaves it.
  workDir = mkdtempSync(join(tmpdir(), 'coterie-conversion-'));
  const handle = await openDatabase({ dataDir: join(workDir, 'pglite') });
  try {
    const sentAt = new Date('2026-11-16T09:00:00Z');
    const [row] = await handle.db
      .insert(campaigns)
      .values({ kind: 'digest', status: 'sent', subject, plan: digestPlanFixture({ subject }), createdBy: 'test', createdAt: sentAt, startedAt: sentAt, sentAt })
      .returning({ id: campaigns.id });
    campaignId = row?.id ?? '';
    await handle.db.insert(members).values({ ...subscriber, newsletter: 'subscribed' });
  } finally {
    await handle.close();
  }
  fake = await startFakeStripe();
  site = await serveSite(inject('siteDir'), {
    COTERIE_DATA_DIR: join(workDir, 'pglite'),
    STRIPE_SECRET_KEY: fake.secretKey,
    STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
    STRIPE_API_BASE: fake.url,
    COTERIE_SECRET: secret,
  });
  fake.setWebhookUrl(`${site.url}/api/stripe/webhook`);
  await createDemoPrices(fake);
});
afterAll(async () => {
  await site?.stop();
  await fake?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const at = (path: string) => new URL(path, site.url).href;
const hidden = (html: string, name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe('a reader who came from a digest', () => {
  const email = `converted-${Date.now()}@example.com`;
  let cookie = '';

  it('has the tier the digest offers', () => {
    expect(tier?.id).toBeTypeOf('string');
  });

  it('keeps the campaign through sign-in', async () => {
    const upgrade = `/join?${new URLSearchParams({ tier: tier?.id ?? '', from, campaign: campaignId })}`;
    const page = await (await fetch(at(upgrade))).text();
    expect(hidden(page, 'from')).toBe(from);
    expect(hidden(page, 'campaign')).toBe(campaignId);

    const asked = await postForm(site, '/join', { tier: tier?.id ?? '', interval: 'monthly', from, campaign: campaignId });
    expect(asked.status).toBe(303);
    const signIn = new URL(asked.headers.get('location') ?? '', site.url);
    expect(signIn.pathname).toBe('/signin');
    const next = signIn.searchParams.get('next') ?? '';
    expect(Object.fromEntries(new URL(next, site.url).searchParams)).toEqual({ tier: tier?.id, from, campaign: campaignId });

    // Signed in, the page the sign-in returns to still carries both.
    cookie = await signInOverHttp(site, email);
    const back = await (await fetch(at(next), { headers: { Cookie: cookie } })).text();
    expect(hidden(back, 'from')).toBe(from);
    expect(hidden(back, 'campaign')).toBe(campaignId);
  });

  it('starts a checkout whose metadata names the campaign and the post', async () => {
    const started = await postForm(site, '/join', { tier: tier?.id ?? '', interval: 'monthly', from, campaign: campaignId }, cookie);
    expect(started.status).toBe(303);
    const checkout = new URL(started.headers.get('location') ?? '');
    expect(checkout.origin).toBe(fake.url);

    const created = fake.requests.filter((request) => request.method === 'POST' && request.path === '/v1/checkout/sessions');
    expect(created).toHaveLength(1);
    const source = `digest:${campaignId}:${from}`;
    expect(created[0]?.params).toMatchObject({
      metadata: { coterie_source: source },
      subscription_data: { metadata: { coterie_source: source } },
    });
    // Checkout's way back to /join keeps them too.
    const cancel = new URL(String(created[0]?.params.cancel_url));
    expect(Object.fromEntries(cancel.searchParams)).toEqual({ tier: tier?.id, from, campaign: campaignId });

    // Pays, as the fake's hosted page does when its button is pressed.
    const paid = await fetch(new URL(`${checkout.pathname}/pay`, fake.url), { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(paid.status).toBe(303);
    await fake.webhooksSettled();
    expect(fake.subscriptions()[0]?.metadata).toMatchObject({ coterie_source: source });
  });

  it('is counted against the campaign on the owner\'s page', async () => {
    const owner = await signInOverHttp(site, ownerEmail);
    const html = await (await fetch(at('/admin/newsletter'), { headers: { Cookie: owner } })).text();
    const row = html.split('<tr>').find((cells) => cells.includes(subject)) ?? '';
    const numbers = [...row.matchAll(/<td class="number">([^<]*)<\/td>/g)].map((match) => match[1]);
    // Recipients, sent, delivered, bounced, unsubscribed, paid.
    expect(numbers.at(-1)).toBe('1');
  });

  it('credits nobody for a campaign id that is not one of ours', async () => {
    const started = await postForm(site, '/join', { tier: tiers[1]?.id ?? '', interval: 'monthly', from, campaign: 'not-a-campaign' }, await signInOverHttp(site, `other-${Date.now()}@example.com`));
    expect(started.status).toBe(303);
    const created = fake.requests.filter((request) => request.method === 'POST' && request.path === '/v1/checkout/sessions');
    expect(created.at(-1)?.params).toMatchObject({ metadata: { coterie_source: from } });
  });
});

describe('a subscriber who follows their own upgrade link from a digest', () => {
  const personal = () =>
    upgradeLinkParams({ memberId: subscriber.id, tierId: tier?.id ?? '', campaignId, until: upgradeLinksUntil(new Date()) }, secret);
  const fields = (link: URLSearchParams) => ({ tier: tier?.id ?? '', interval: 'monthly', from, campaign: campaignId, ...Object.fromEntries(link) });

  it('sees whose checkout it is, with no sign-in first', async () => {
    const query = new URLSearchParams({ tier: tier?.id ?? '', from, campaign: campaignId, ...Object.fromEntries(personal()) });
    const page = await (await fetch(at(`/join?${query}`))).text();
    expect(page).toContain(`Paying as <strong>${subscriber.email}</strong>`);
    expect(hidden(page, 'sig')).toBe(personal().get('sig'));
    expect(page).toContain(`Join as ${tier?.name}`);
  });

  it('goes straight to Checkout for their own address, and is signed in by nothing', async () => {
    const before = fake.requests.length;
    const started = await postForm(site, '/join', fields(personal()));
    expect(started.status).toBe(303);
    expect(new URL(started.headers.get('location') ?? '').origin).toBe(fake.url);
    expect(started.headers.getSetCookie().some((cookie) => cookie.startsWith('coterie_session='))).toBe(false);
    const created = fake.requests.slice(before).filter((request) => request.method === 'POST' && request.path === '/v1/checkout/sessions');
    expect(created).toHaveLength(1);
    expect(created[0]?.params).toMatchObject({ client_reference_id: subscriber.id, metadata: { coterie_member_id: subscriber.id, coterie_source: `digest:${campaignId}:${from}` } });
    const customers = fake.requests.slice(before).filter((request) => request.method === 'POST' && request.path === '/v1/customers');
    expect(customers[0]?.params).toMatchObject({ email: subscriber.email });
  });

  it('is sent to sign in, as before, with a link for another tier, a forged one or an expired one', async () => {
    const otherTier = tiers[1]?.id ?? '';
    const forged = personal();
    forged.set('for', 'someoneelse2');
    const expired = upgradeLinkParams({ memberId: subscriber.id, tierId: tier?.id ?? '', campaignId, until: Math.floor(Date.now() / 1000) - 60 }, secret);
    for (const form of [{ ...fields(personal()), tier: otherTier }, fields(forged), fields(expired)]) {
      const before = fake.requests.length;
      const refused = await postForm(site, '/join', form);
      expect(refused.status).toBe(303);
      expect(new URL(refused.headers.get('location') ?? '', site.url).pathname).toBe('/signin');
      expect(fake.requests.slice(before).some((request) => request.path === '/v1/checkout/sessions')).toBe(false);
    }
  });
});
