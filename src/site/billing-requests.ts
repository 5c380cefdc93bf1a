/** Astro-side glue for billing routes: the Stripe client and the context billing code runs in. */
import type Stripe from 'stripe';
import { getDatabase } from '../../db/client.ts';
import type { BillingContext } from '../server/billing/billing-context.ts';
import { createStripeClient } from '../server/billing/stripe.ts';
import { graceDaysFrom } from '../server/billing/subscription-entitlement.ts';
import { runtimeSiteUrl } from '../server/config/site-url.ts';
import { getMailer } from '../server/mail/mailer.ts';
import { getSite, getTiers } from './community.ts';

/** The Stripe client, or undefined while payments are not set up (no STRIPE_SECRET_KEY). */
export function stripeOrUndefined(): Stripe | undefined {
  return createStripeClient();
}

export async function billingContext(stripe: Stripe): Promise<BillingContext> {
  const [{ db }, site, tiers] = await Promise.all([getDatabase(), getSite(), getTiers()]);
  return { db, stripe, mailer: getMailer(), site, tiers, siteUrl: runtimeSiteUrl(), now: () => new Date(), graceDays: graceDaysFrom() };
}
