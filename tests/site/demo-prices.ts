/**
 * The demo community's tiers (tests/fixtures/hedgerow/tiers.yaml) and what `coterie tiers sync --apply`
 * makes of them in the Stripe fake: a product per tier and a price per interval, found by
 * lookup key. For browser and HTTP tests that go through Checkout.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { createStripeClient } from '../../src/server/billing/stripe.ts';
import type { FakeStripe } from '../fakes/stripe-api.ts';
import { hedgerowDir } from '../support/communities.ts';

export type DemoTier = { id: string; name: string; currency: string; prices: { monthly: number; yearly?: number } };

export const demoTiers: DemoTier[] = parse(readFileSync(resolve(hedgerowDir, 'tiers.yaml'), 'utf8'));

export async function createDemoPrices(fake: FakeStripe): Promise<void> {
  const stripe = createStripeClient({ STRIPE_SECRET_KEY: fake.secretKey, STRIPE_API_BASE: fake.url });
  if (!stripe) throw new Error('no Stripe client for the fake');
  for (const tier of demoTiers) {
    const product = await stripe.products.create({ id: `coterie-${tier.id}`, name: tier.name, metadata: { coterie_tier: tier.id } });
    for (const [interval, amount] of [['monthly', tier.prices.monthly], ['yearly', tier.prices.yearly]] as const) {
      if (amount === undefined) continue;
      await stripe.prices.create({
        product: product.id,
        currency: tier.currency,
        unit_amount: amount,
        recurring: { interval: interval === 'monthly' ? 'month' : 'year' },
        lookup_key: `coterie-${tier.id}-${interval}`,
        metadata: { coterie_tier: tier.id },
      });
    }
  }
}
