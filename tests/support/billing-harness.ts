/**
 * A billing context against a real database and the loopback Stripe fake, reached by
 * the official SDK through `billing/stripe.ts`, with the mail port recorded.
 */
import type Stripe from 'stripe';
import type { Database } from '../../db/client.ts';
import type { BillingContext } from '../../src/server/billing/billing-context.ts';
import { createStripeClient } from '../../src/server/billing/stripe.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-api.ts';
import { recordingMailer } from './recording-mailer.ts';

export const testTiers = [
  { id: 'naturalist', name: 'Naturalist', trialDays: 0, visibility: 'public' },
  { id: 'patron', name: 'Field Patron', trialDays: 14, seatCap: 3, visibility: 'public' },
] as const;

export async function billingHarness(db: Database) {
  const fake = await startFakeStripe();
  const stripe = createStripeClient({ STRIPE_SECRET_KEY: fake.secretKey, STRIPE_API_BASE: fake.url });
  if (!stripe) throw new Error('no Stripe client');
  const mailer = recordingMailer();
  const context: BillingContext = {
    db,
    stripe,
    mailer,
    site: { name: 'The Hedgerow', language: 'en', ownerEmail: 'wren@hedgerow.example', sender: { name: 'Wren', address: 'letters@hedgerow.example' } },
    tiers: testTiers,
    siteUrl: new URL('https://hedgerow.example'),
    now: () => new Date(),
    graceDays: 7,
  };
  // What `coterie tiers sync --apply` makes: a product per tier, a monthly price with its lookup key.
  for (const [index, tier] of testTiers.entries()) {
    const product = await stripe.products.create({ id: `coterie-${tier.id}`, name: tier.name, metadata: { coterie_tier: tier.id } });
    await stripe.prices.create({
      product: product.id,
      currency: 'gbp',
      unit_amount: 600 + index * 900,
      recurring: { interval: 'month' },
      lookup_key: `coterie-${tier.id}-monthly`,
      metadata: { coterie_tier: tier.id },
    });
  }
  return { fake, stripe, mailer, context, close: () => fake.close() };
}

/** Pays a checkout on the fake's hosted page, as the member's browser would. */
export async function payCheckout(fake: FakeStripe, checkoutUrl: string): Promise<void> {
  const id = new URL(checkoutUrl).pathname.split('/').pop() ?? '';
  const paid = await fetch(new URL(`/checkout/${id}/pay`, fake.url), { method: 'POST', redirect: 'manual' });
  if (paid.status !== 303) throw new Error(`The fake checkout answered ${paid.status}: ${await paid.text()}`);
}

/** The event as Stripe would POST it: its JSON and a signature from the SDK's test helper. */
export function signedDelivery(stripe: Stripe, event: object, secret: string): { payload: string; signature: string } {
  const payload = JSON.stringify(event);
  return { payload, signature: stripe.webhooks.generateTestHeaderString({ payload, secret }) };
}

export type { FakeStripe };
