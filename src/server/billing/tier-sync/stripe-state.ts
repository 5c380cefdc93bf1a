/**
 * Reads what Coterie owns in Stripe into the plain snapshot `plan.ts` compares with
 * tiers.yaml: products that are Coterie's by metadata or id, all their prices (archived
 * too, so a returning tier gets its old price back), and, for `--migrate`, the live
 * subscriptions on those prices. Lists page through to the end.
 */
import type Stripe from 'stripe';
import { tierIdOfProduct, type PriceState, type ProductState, type StripeSnapshot, type SubscriptionState } from './plan.ts';

/** Subscriptions that still bill, or may again: a migration moves these. */
const movableStatuses = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

export async function readStripeState(stripe: Stripe, { subscriptions = false }: { subscriptions?: boolean } = {}): Promise<StripeSnapshot> {
  const products: ProductState[] = [];
  for await (const product of stripe.products.list({ limit: 100 })) {
    if (tierIdOfProduct(product) !== undefined) products.push(productState(product));
  }
  const prices: PriceState[] = [];
  for (const product of products) {
    // Without `active`, Stripe lists only active prices; archived ones matter too.
    for (const active of [true, false]) {
      for await (const price of stripe.prices.list({ product: product.id, active, limit: 100 })) prices.push(priceState(price));
    }
  }
  const found: SubscriptionState[] = [];
  if (subscriptions) {
    for (const price of prices) {
      // Without a status filter Stripe lists every subscription that is not canceled.
      for await (const subscription of stripe.subscriptions.list({ price: price.id, limit: 100 })) {
        if (!movableStatuses.has(subscription.status)) continue;
        const item = subscription.items.data.find((candidate) => candidate.price.id === price.id);
        if (item !== undefined) found.push({ id: subscription.id, itemId: item.id, priceId: price.id });
      }
    }
  }
  return { products, prices, subscriptions: found };
}

function productState(product: Stripe.Product): ProductState {
  return {
    id: product.id,
    name: product.name,
    description: product.description ?? null,
    active: product.active,
    metadata: { ...product.metadata },
    updated: product.updated,
  };
}

function priceState(price: Stripe.Price): PriceState {
  return {
    id: price.id,
    productId: typeof price.product === 'string' ? price.product : price.product.id,
    active: price.active,
    currency: price.currency,
    unitAmount: price.unit_amount ?? null,
    interval: price.recurring?.interval ?? null,
    intervalCount: price.recurring?.interval_count ?? null,
    lookupKey: price.lookup_key ?? null,
    metadata: { ...price.metadata },
  };
}
