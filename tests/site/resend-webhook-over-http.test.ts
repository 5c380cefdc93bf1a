/**
 * Resend's webhook through the real server: a signed delivery with no cookie and no
 * Origin takes effect, a forged one is refused, and a server without the signing secret
 * says which variable to set.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliverWebhook, newWebhookSecret, permanentBounce, resendEmailEvent, signDelivery } from '../fakes/resend-webhooks.ts';
import { signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

const secret = newWebhookSecret();

const newsletterOf = async (site: RunningSite, cookie: string) =>
  ((await (await fetch(new URL('/account/data.json', site.url), { headers: { Cookie: cookie } })).json()) as { member: { newsletter: string } }).member.newsletter;

describe('with RESEND_WEBHOOK_SECRET set', () => {
  let site: RunningSite;
  beforeAll(async () => {
    site = await serveSite(inject('siteDir'), { RESEND_WEBHOOK_SECRET: secret });
  });
  afterAll(() => site?.stop());

  it('acts on a signed bounce, and acknowledges its repeat as a duplicate', async () => {
    const email = 'bounces-here@example.com';
    const cookie = await signInOverHttp(site, email);
    // The sign-in email itself is what bounced: it matches no campaign send.
    const body = resendEmailEvent('email.bounced', { email_id: crypto.randomUUID(), to: [email], bounce: permanentBounce });
    const headers = signDelivery(body, secret);
    const answer = await deliverWebhook(site.url, body, headers);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true, outcome: 'processed' });
    expect(await newsletterOf(site, cookie)).toBe('bounced');

    const again = await deliverWebhook(site.url, body, headers);
    expect(await again.json()).toEqual({ received: true, outcome: 'duplicate' });
  });

  it('refuses a forged delivery with 400 and changes nothing', async () => {
    const email = 'not-bounced@example.com';
    const cookie = await signInOverHttp(site, email);
    const body = resendEmailEvent('email.complained', { email_id: crypto.randomUUID(), to: [email] });
    const forged = await deliverWebhook(site.url, body, signDelivery(body, newWebhookSecret()));
    expect(forged.status).toBe(400);
    const stale = await deliverWebhook(site.url, body, signDelivery(body, secret, { signedAt: new Date(Date.now() - 10 * 60 * 1000) }));
    expect(stale.status).toBe(400);
    expect(await newsletterOf(site, cookie)).toBe('unsubscribed');
  });
});

describe('without RESEND_WEBHOOK_SECRET', () => {
  let site: RunningSite;
  beforeAll(async () => {
    site = await serveSite(inject('siteDir'));
  });
  afterAll(() => site?.stop());

  it('answers 503 naming the variable, and logs it once', async () => {
    const body = resendEmailEvent('email.delivered', { email_id: 'x', to: ['a@example.com'] });
    for (let i = 0; i < 2; i++) {
      const answer = await deliverWebhook(site.url, body, signDelivery(body, secret));
      expect(answer.status).toBe(503);
      expect(((await answer.json()) as { error: string }).error).toContain('RESEND_WEBHOOK_SECRET');
    }
    expect(site.output().match(/RESEND_WEBHOOK_SECRET/g)).toHaveLength(1);
  });
});
