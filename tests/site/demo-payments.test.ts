/**
 * `COTERIE_DEMO_PAYMENTS=1`: with no Stripe account, a newcomer walks the join flow end
 * to end — the gate offers the upgrade, /join sends them to the stand-in Checkout, paying
 * there sends a signed webhook back, and the paid post opens. Plain HTTP, real server.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CANARY } from './canary.ts';
import { demoTiers } from './demo-prices.ts';
import { postForm, signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';
import { demoPosts } from './demo-posts.ts';

const tier = demoTiers[0];
const paidPost = demoPosts().find((post) => post.access === 'paid');
let site: RunningSite;

beforeAll(async () => {
  site = await serveSite(inject('siteDir'), { COTERIE_DEMO_PAYMENTS: '1', COTERIE_CONTENT_DIR: join(inject('siteDir'), '../canary-content') });
});
afterAll(async () => {
  await site?.stop();
});

const page = async (path: string, cookie = '') => (await fetch(new URL(path, site.url), { headers: cookie ? { Cookie: cookie } : {} })).text();

describe('demo payments', () => {
  const email = `demo-${Date.now()}@example.com`;
  let cookie = '';

  it('offers the upgrade at the gate, as a site with Stripe does', async () => {
    expect(await page(`/posts/${paidPost?.slug}`)).toContain(`Upgrade to ${tier?.name}`);
  });

  it('takes a member from /join to the stand-in Checkout and back, paid, to the post', async () => {
    cookie = await signInOverHttp(site, email);
    const started = await postForm(site, '/join', { tier: tier?.id ?? '', interval: 'monthly', from: `/posts/${paidPost?.slug}`, campaign: '' }, cookie);
    expect(started.status).toBe(303);
    const checkout = new URL(started.headers.get('location') ?? '');
    // The stand-in runs on this machine, never at Stripe.
    expect(checkout.hostname).toBe('127.0.0.1');
    expect(await (await fetch(checkout)).text()).toContain(tier?.name ?? '');

    const paid = await fetch(new URL(`${checkout.pathname}/pay`, checkout), { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(paid.status).toBe(303);
    expect(new URL(paid.headers.get('location') ?? '').pathname).toBe('/join/welcome');

    // The webhook lands in a moment; the welcome page says so until it has.
    let welcome = '';
    for (let attempt = 0; attempt < 50 && !welcome.includes(`You are now a ${tier?.name} member`); attempt++) {
      welcome = await page('/join/welcome', cookie);
      await new Promise((done) => setTimeout(done, 200));
    }
    expect(welcome).toContain(`You are now a ${tier?.name} member`);
    expect(await page(`/posts/${paidPost?.slug}`, cookie)).toContain(CANARY);
  });
});
