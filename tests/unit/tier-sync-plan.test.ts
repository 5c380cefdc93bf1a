import { describe, expect, it } from 'vitest';
import { idempotencyKeyFor } from '../../src/server/billing/tier-sync/apply.ts';
import {
  formatAmount,
  planTierSync,
  type PriceState,
  type ProductState,
  type StripeSnapshot,
  type TierSyncAction,
  type TierToSync,
} from '../../src/server/billing/tier-sync/plan.ts';

import { naturalist, patron } from '../support/sync-tiers.ts';

const empty: StripeSnapshot = { products: [], prices: [], subscriptions: [] };

/** What Stripe would hold after the actions: a model of just the parts tier sync touches. */
function applyToSnapshot(snapshot: StripeSnapshot, actions: readonly TierSyncAction[]): StripeSnapshot {
  let products: ProductState[] = [...snapshot.products];
  let prices: PriceState[] = [...snapshot.prices];
  let subscriptions = [...snapshot.subscriptions];
  for (const action of actions) {
    switch (action.kind) {
      case 'create-product':
        products.push({ ...action.params, active: true, updated: 1 });
        break;
      case 'update-product':
        products = products.map((product) =>
          product.id === action.productId
            ? { ...product, ...action.params, metadata: { ...product.metadata, ...action.params.metadata }, updated: product.updated + 1 }
            : product,
        );
        break;
      case 'create-price': {
        const { params } = action;
        if (params.transfer_lookup_key) prices = prices.map((price) => (price.lookupKey === params.lookup_key ? { ...price, lookupKey: null } : price));
        prices.push({
          // Prices are never deleted, so the count names each one once.
          id: `price_${prices.length + 1}`,
          productId: params.product,
          active: true,
          currency: params.currency,
          unitAmount: params.unit_amount,
          interval: params.recurring.interval,
          intervalCount: 1,
          lookupKey: params.lookup_key,
          metadata: params.metadata,
        });
        break;
      }
      case 'update-price':
        prices = prices.map((price) => (price.id === action.priceId ? { ...price, ...action.params } : price));
        break;
      case 'migrate-subscriptions': {
        const target = prices.find((price) => price.lookupKey === action.lookupKey);
        if (target === undefined) throw new Error(`no price holds ${action.lookupKey}`);
        const moved = new Set(action.subscriptions.map((subscription) => subscription.id));
        subscriptions = subscriptions.map((subscription) => (moved.has(subscription.id) ? { ...subscription, priceId: target.id } : subscription));
        break;
      }
    }
  }
  return { products, prices, subscriptions };
}

/** Stripe after a sync of `tiers` into an empty account. */
function synced(tiers: readonly TierToSync[]): StripeSnapshot {
  return applyToSnapshot(empty, planTierSync({ tiers, snapshot: empty, migrate: false }));
}

const summaries = (actions: readonly TierSyncAction[]) => actions.map((action) => action.summary);

describe('planTierSync', () => {
  it('creates a product and a price per billing interval in a fresh account', () => {
    const actions = planTierSync({ tiers: [naturalist, patron], snapshot: empty, migrate: false });
    expect(summaries(actions)).toEqual([
      '+ create product naturalist "Naturalist" (coterie-naturalist)',
      '+ create price naturalist monthly £6.00 (lookup key coterie-naturalist-monthly)',
      '+ create price naturalist yearly £60.00 (lookup key coterie-naturalist-yearly)',
      '+ create product patron "Field Patron" (coterie-patron)',
      '+ create price patron monthly £15.00 (lookup key coterie-patron-monthly)',
    ]);
    expect(actions[0]).toMatchObject({
      kind: 'create-product',
      params: { id: 'coterie-naturalist', name: 'Naturalist', description: 'All the paid posts.', metadata: { coterie_tier: 'naturalist', coterie_visibility: 'public' } },
    });
    expect(actions[2]).toMatchObject({
      kind: 'create-price',
      params: {
        product: 'coterie-naturalist',
        currency: 'gbp',
        unit_amount: 6000,
        recurring: { interval: 'year' },
        lookup_key: 'coterie-naturalist-yearly',
        metadata: { coterie_tier: 'naturalist', coterie_interval: 'yearly' },
      },
      replaces: null,
    });
  });

  it('plans nothing when Stripe already matches', () => {
    const tiers = [naturalist, patron];
    expect(planTierSync({ tiers, snapshot: synced(tiers), migrate: true })).toEqual([]);
  });

  it('replaces a price whose amount changed: the new one takes the lookup key, the old one is archived', () => {
    const before = synced([naturalist]);
    const oldMonthly = before.prices.find((price) => price.lookupKey === 'coterie-naturalist-monthly');
    const raised = { ...naturalist, prices: { monthly: 700, yearly: 6000 } };
    const actions = planTierSync({ tiers: [raised], snapshot: before, migrate: false });
    expect(summaries(actions)).toEqual([
      '+ create price naturalist monthly £7.00, replacing £6.00 (takes over lookup key coterie-naturalist-monthly)',
      `- archive price naturalist monthly £6.00 (${oldMonthly?.id}): replaced; its subscribers stay on it (--migrate moves them)`,
    ]);
    expect(actions[0]).toMatchObject({
      kind: 'create-price',
      params: { unit_amount: 700, lookup_key: 'coterie-naturalist-monthly', transfer_lookup_key: true },
      replaces: oldMonthly?.id,
    });
    expect(actions[1]).toMatchObject({ kind: 'update-price', priceId: oldMonthly?.id, params: { active: false } });
    expect(planTierSync({ tiers: [raised], snapshot: applyToSnapshot(before, actions), migrate: false })).toEqual([]);
  });

  it('replaces a price whose currency changed', () => {
    const before = synced([patron]);
    const actions = planTierSync({ tiers: [{ ...patron, currency: 'eur' }], snapshot: before, migrate: false });
    expect(actions.map((action) => action.kind)).toEqual(['create-price', 'update-price']);
    expect(actions[0]?.summary).toBe('+ create price patron monthly €15.00, replacing £15.00 (takes over lookup key coterie-patron-monthly)');
  });

  it('with migrate, moves subscribers of the replaced price after creating the new one', () => {
    const before = synced([naturalist]);
    const oldMonthly = before.prices.find((price) => price.lookupKey === 'coterie-naturalist-monthly');
    const yearly = before.prices.find((price) => price.lookupKey === 'coterie-naturalist-yearly');
    if (oldMonthly === undefined || yearly === undefined) throw new Error('fixture');
    const subscriptions = [
      { id: 'sub_1', itemId: 'si_1', priceId: oldMonthly.id },
      { id: 'sub_2', itemId: 'si_2', priceId: oldMonthly.id },
      { id: 'sub_3', itemId: 'si_3', priceId: yearly.id },
    ];
    const raised = { ...naturalist, prices: { monthly: 700, yearly: 6000 } };
    const snapshot = { ...before, subscriptions };

    const without = planTierSync({ tiers: [raised], snapshot, migrate: false });
    expect(without.some((action) => action.kind === 'migrate-subscriptions')).toBe(false);

    const actions = planTierSync({ tiers: [raised], snapshot, migrate: true });
    expect(actions.map((action) => action.kind)).toEqual(['create-price', 'update-price', 'migrate-subscriptions']);
    expect(actions[1]?.summary).toContain('replaced; its subscribers stay on it until moved below');
    expect(actions[2]).toEqual({
      kind: 'migrate-subscriptions',
      tierId: 'naturalist',
      interval: 'monthly',
      lookupKey: 'coterie-naturalist-monthly',
      summary: `> move 2 subscriptions on naturalist monthly to £7.00 (coterie-naturalist-monthly) from ${oldMonthly.id}`,
      subscriptions: subscriptions.slice(0, 2),
    });
    const after = applyToSnapshot(snapshot, actions);
    expect(planTierSync({ tiers: [raised], snapshot: after, migrate: true })).toEqual([]);
  });

  it('adds a yearly price to a tier that had only monthly', () => {
    const before = synced([patron]);
    const actions = planTierSync({ tiers: [{ ...patron, prices: { monthly: 1500, yearly: 15000 } }], snapshot: before, migrate: false });
    expect(summaries(actions)).toEqual(['+ create price patron yearly £150.00 (lookup key coterie-patron-yearly)']);
  });

  it('archives the yearly price when yearly billing is removed, keeping its lookup key', () => {
    const before = synced([naturalist]);
    const yearly = before.prices.find((price) => price.lookupKey === 'coterie-naturalist-yearly');
    const monthlyOnly = { ...naturalist, prices: { monthly: 600 } };
    const actions = planTierSync({ tiers: [monthlyOnly], snapshot: before, migrate: false });
    expect(actions).toEqual([
      {
        kind: 'update-price',
        tierId: 'naturalist',
        priceId: yearly?.id,
        summary: `- archive price naturalist yearly £60.00 (${yearly?.id}): yearly billing is no longer in tiers.yaml`,
        params: { active: false },
      },
    ]);
    const after = applyToSnapshot(before, actions);
    expect(planTierSync({ tiers: [monthlyOnly], snapshot: after, migrate: false })).toEqual([]);

    // Offering yearly again at the same amount brings the same price back rather than making another.
    expect(summaries(planTierSync({ tiers: [naturalist], snapshot: after, migrate: false }))).toEqual([
      `~ reactivate price naturalist yearly £60.00 (${yearly?.id})`,
    ]);
  });

  it('archives the product and prices of a tier removed from tiers.yaml, and never deletes', () => {
    const before = synced([naturalist, patron]);
    const patronPrice = before.prices.find((price) => price.productId === 'coterie-patron');
    const actions = planTierSync({ tiers: [naturalist], snapshot: before, migrate: false });
    expect(actions).toEqual([
      {
        kind: 'update-price',
        tierId: 'patron',
        priceId: patronPrice?.id,
        summary: `- archive price patron monthly £15.00 (${patronPrice?.id}): the tier is no longer in tiers.yaml`,
        params: { active: false },
      },
      {
        kind: 'update-product',
        tierId: 'patron',
        productId: 'coterie-patron',
        summary: '- archive product patron "Field Patron" (coterie-patron): no longer in tiers.yaml; its subscribers keep paying until cancelled but lose access (keep the tier with visibility: archived to keep theirs)',
        params: { active: false },
        basis: 1,
      },
    ]);
    const after = applyToSnapshot(before, actions);
    expect(planTierSync({ tiers: [naturalist], snapshot: after, migrate: false })).toEqual([]);

    // Back in tiers.yaml: the same product and price return.
    expect(summaries(planTierSync({ tiers: [naturalist, patron], snapshot: after, migrate: false }))).toEqual([
      '~ update product patron (coterie-patron): reactivated: the tier is back in tiers.yaml',
      `~ reactivate price patron monthly £15.00 (${patronPrice?.id})`,
    ]);
  });

  it('updates the product of a renamed or redescribed tier, and leaves its prices alone', () => {
    const before = synced([naturalist]);
    const renamed = { ...naturalist, name: 'Naturalists', description: 'Every paid post.' };
    const actions = planTierSync({ tiers: [renamed], snapshot: before, migrate: false });
    expect(actions).toEqual([
      {
        kind: 'update-product',
        tierId: 'naturalist',
        productId: 'coterie-naturalist',
        summary: '~ update product naturalist (coterie-naturalist): name "Naturalist" → "Naturalists", new description',
        params: { name: 'Naturalists', description: 'Every paid post.' },
        basis: 1,
      },
    ]);
  });

  it('keeps an archived tier on sale to nobody new: product and prices stay active, marked archived', () => {
    const before = synced([naturalist]);
    const archived = { ...naturalist, visibility: 'archived' as const };
    const actions = planTierSync({ tiers: [archived], snapshot: before, migrate: false });
    expect(actions).toEqual([
      {
        kind: 'update-product',
        tierId: 'naturalist',
        productId: 'coterie-naturalist',
        summary: '~ update product naturalist (coterie-naturalist): visibility public → archived',
        params: { metadata: { coterie_visibility: 'archived' } },
        basis: 1,
      },
    ]);
    expect(planTierSync({ tiers: [archived], snapshot: applyToSnapshot(before, actions), migrate: false })).toEqual([]);
  });

  it("adopts a product tagged with the tier's metadata, and leaves prices it did not make alone", () => {
    const handMade: PriceState = {
      id: 'price_hand',
      productId: 'prod_dashboard',
      active: true,
      currency: 'gbp',
      unitAmount: 100,
      interval: null,
      intervalCount: null,
      lookupKey: null,
      metadata: {},
    };
    const snapshot: StripeSnapshot = {
      products: [{ id: 'prod_dashboard', name: 'Naturalist', description: 'All the paid posts.', active: true, metadata: { coterie_tier: 'naturalist' }, updated: 5 }],
      prices: [handMade],
      subscriptions: [],
    };
    const actions = planTierSync({ tiers: [naturalist], snapshot, migrate: false });
    expect(summaries(actions)).toEqual([
      '~ update product naturalist (prod_dashboard): visibility public',
      '+ create price naturalist monthly £6.00 (lookup key coterie-naturalist-monthly)',
      '+ create price naturalist yearly £60.00 (lookup key coterie-naturalist-yearly)',
    ]);
    expect(actions[1]).toMatchObject({ params: { product: 'prod_dashboard' } });
  });
});

describe('formatAmount', () => {
  it('reads minor units in the currency’s own decimals', () => {
    expect(formatAmount(600, 'gbp')).toBe('£6.00');
    expect(formatAmount(1999, 'usd')).toBe('$19.99');
    expect(formatAmount(600, 'jpy')).toBe('¥600');
  });
});

describe('idempotencyKeyFor', () => {
  it('depends on what is sent, not on the human line or key order', () => {
    const action = planTierSync({ tiers: [naturalist], snapshot: empty, migrate: false })[0];
    if (action?.kind !== 'create-product') throw new Error('fixture');
    const key = idempotencyKeyFor(action);
    expect(key).toMatch(/^coterie-tier-sync-[0-9a-f]{64}$/);
    expect(idempotencyKeyFor({ ...action, summary: 'reworded' })).toBe(key);
    expect(idempotencyKeyFor({ summary: action.summary, params: action.params, tierId: action.tierId, kind: action.kind })).toBe(key);
    expect(idempotencyKeyFor({ ...action, tierId: 'patron' })).not.toBe(key);
  });

  it('tells apart the same new price made again to replace a different one', () => {
    const before = synced([naturalist]);
    const raise = planTierSync({ tiers: [{ ...naturalist, prices: { monthly: 700, yearly: 6000 } }], snapshot: before, migrate: false })[0];
    const raised = applyToSnapshot(before, raise === undefined ? [] : [raise]);
    const lower = planTierSync({ tiers: [naturalist], snapshot: raised, migrate: false })[0];
    const lowered = applyToSnapshot(raised, lower === undefined ? [] : [lower]);
    const raiseAgain = planTierSync({ tiers: [{ ...naturalist, prices: { monthly: 700, yearly: 6000 } }], snapshot: lowered, migrate: false })[0];
    expect(raise?.kind).toBe('create-price');
    expect(raiseAgain?.kind).toBe('create-price');
    expect(idempotencyKeyFor(raiseAgain ?? {})).not.toBe(idempotencyKeyFor(raise ?? {}));
  });
});
