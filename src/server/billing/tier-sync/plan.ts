/**
 * What `coterie tiers sync` must do to make Stripe match tiers.yaml. Pure: it compares
 * the tiers with a snapshot of Coterie's products and prices and returns ordered
 * actions, each with the Stripe parameters it will send and a line for the creator.
 *
 * Stripe prices cannot change amount, so a new amount is a new price that takes over
 * the tier's lookup key; the old one is archived, never deleted, and its subscribers
 * stay on it unless `migrate` moves them. Nothing is ever deleted.
 */
import type { Tier } from '../../../schemas/tier.ts';

export type TierToSync = Pick<Tier, 'id' | 'name' | 'description' | 'prices' | 'currency' | 'visibility'>;
export type BillingInterval = 'monthly' | 'yearly';

export interface ProductState {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  metadata: Readonly<Record<string, string>>;
  /** Seconds since the epoch of the last change; keeps idempotency keys of repeated edits apart. */
  updated: number;
}

export interface PriceState {
  id: string;
  productId: string;
  active: boolean;
  currency: string;
  /** Minor units; null for prices Coterie never makes (custom or tiered amounts). */
  unitAmount: number | null;
  /** `month`, `year`…; null for one-time prices. */
  interval: string | null;
  intervalCount: number | null;
  lookupKey: string | null;
  metadata: Readonly<Record<string, string>>;
}

export interface SubscriptionState {
  id: string;
  /** The subscription item on `priceId`: the one a migration changes. */
  itemId: string;
  priceId: string;
}

/** Coterie's products and all their prices; subscriptions on them only when a migration is asked for. */
export interface StripeSnapshot {
  products: readonly ProductState[];
  prices: readonly PriceState[];
  subscriptions: readonly SubscriptionState[];
}

type Metadata = Record<string, string>;

export type TierSyncAction =
  | { kind: 'create-product'; tierId: string; summary: string; params: { id: string; name: string; description: string; metadata: Metadata } }
  | {
      kind: 'update-product';
      tierId: string;
      productId: string;
      summary: string;
      params: { name?: string; description?: string; active?: boolean; metadata?: Metadata };
      /** The product's `updated` when planned. */
      basis: number;
    }
  | {
      kind: 'create-price';
      tierId: string;
      interval: BillingInterval;
      summary: string;
      params: {
        product: string;
        currency: string;
        unit_amount: number;
        recurring: { interval: 'month' | 'year' };
        lookup_key: string;
        transfer_lookup_key: true;
        nickname: string;
        metadata: Metadata;
      };
      /** The price that held the lookup key, if any. */
      replaces: string | null;
    }
  | { kind: 'update-price'; tierId: string; priceId: string; summary: string; params: { active: boolean } }
  | {
      kind: 'migrate-subscriptions';
      tierId: string;
      interval: BillingInterval;
      /** The price to move to, found by lookup key when applied: it may be created in the same run. */
      lookupKey: string;
      summary: string;
      subscriptions: readonly SubscriptionState[];
    };

export const tierMetadataKey = 'coterie_tier';
export const visibilityMetadataKey = 'coterie_visibility';
export const intervalMetadataKey = 'coterie_interval';

const billingIntervals = ['monthly', 'yearly'] as const;
const stripeInterval = { monthly: 'month', yearly: 'year' } as const;

export const productIdFor = (tierId: string): string => `coterie-${tierId}`;
export const lookupKeyFor = (tierId: string, interval: BillingInterval): string => `coterie-${tierId}-${interval}`;

/** The tier a product belongs to, or undefined when it is not Coterie's. */
export function tierIdOfProduct(product: Pick<ProductState, 'id' | 'metadata'>): string | undefined {
  return product.metadata[tierMetadataKey] ?? (product.id.startsWith('coterie-') ? product.id.slice('coterie-'.length) : undefined);
}

export function planTierSync({ tiers, snapshot, migrate }: { tiers: readonly TierToSync[]; snapshot: StripeSnapshot; migrate: boolean }): TierSyncAction[] {
  const actions: TierSyncAction[] = [];
  const ours = snapshot.products.filter((product) => tierIdOfProduct(product) !== undefined);
  for (const tier of tiers) {
    const product =
      ours.find((candidate) => candidate.metadata[tierMetadataKey] === tier.id) ?? ours.find((candidate) => candidate.id === productIdFor(tier.id));
    actions.push(...planProduct(tier, product), ...planPrices(tier, product?.id ?? productIdFor(tier.id), snapshot, migrate));
  }
  const kept = new Set(tiers.map((tier) => tier.id));
  for (const product of ours.filter((candidate) => !kept.has(tierIdOfProduct(candidate) ?? ''))) {
    actions.push(...planRemovedTier(product, snapshot.prices));
  }
  return actions;
}

function planProduct(tier: TierToSync, product: ProductState | undefined): TierSyncAction[] {
  const metadata = { [tierMetadataKey]: tier.id, [visibilityMetadataKey]: tier.visibility };
  if (product === undefined) {
    const params = { id: productIdFor(tier.id), name: tier.name, description: tier.description, metadata };
    return [{ kind: 'create-product', tierId: tier.id, summary: `+ create product ${tier.id} "${tier.name}" (${params.id})`, params }];
  }
  const params: Extract<TierSyncAction, { kind: 'update-product' }>['params'] = {};
  const changes: string[] = [];
  if (product.name !== tier.name) {
    params.name = tier.name;
    changes.push(`name "${product.name}" → "${tier.name}"`);
  }
  if ((product.description ?? '') !== tier.description) {
    params.description = tier.description;
    changes.push('new description');
  }
  const staleMetadata = Object.entries(metadata).filter(([key, value]) => product.metadata[key] !== value);
  if (staleMetadata.length > 0) {
    // Stripe merges metadata: only Coterie's own keys are sent, the creator's stay.
    params.metadata = Object.fromEntries(staleMetadata);
    const was = product.metadata[visibilityMetadataKey];
    if (was !== tier.visibility) changes.push(was === undefined ? `visibility ${tier.visibility}` : `visibility ${was} → ${tier.visibility}`);
    if (product.metadata[tierMetadataKey] !== tier.id) changes.push(`tagged ${tierMetadataKey}=${tier.id}`);
  }
  if (!product.active) {
    params.active = true;
    changes.push('reactivated: the tier is back in tiers.yaml');
  }
  if (changes.length === 0) return [];
  const summary = `~ update product ${tier.id} (${product.id}): ${changes.join(', ')}`;
  return [{ kind: 'update-product', tierId: tier.id, productId: product.id, summary, params, basis: product.updated }];
}

function planPrices(tier: TierToSync, productId: string, snapshot: StripeSnapshot, migrate: boolean): TierSyncAction[] {
  const creates: TierSyncAction[] = [];
  const archives: TierSyncAction[] = [];
  const migrations: TierSyncAction[] = [];
  const keys = new Set(billingIntervals.map((interval) => lookupKeyFor(tier.id, interval)));
  const tierPrices = snapshot.prices.filter((price) => price.metadata[tierMetadataKey] === tier.id || (price.lookupKey !== null && keys.has(price.lookupKey)));
  /** Prices that stay on offer, by interval. */
  const keepers = new Map<BillingInterval, string>();
  const replaced = new Set<string>();

  for (const interval of billingIntervals) {
    const amount = tier.prices[interval];
    if (amount === undefined) continue;
    const lookupKey = lookupKeyFor(tier.id, interval);
    const holder = snapshot.prices.find((price) => price.lookupKey === lookupKey);
    const wanted = { productId, currency: tier.currency, unitAmount: amount, interval: stripeInterval[interval] };
    if (holder !== undefined && holderMatches(holder, wanted)) {
      keepers.set(interval, holder.id);
      if (!holder.active) {
        const summary = `~ reactivate price ${tier.id} ${interval} ${formatAmount(amount, tier.currency)} (${holder.id})`;
        creates.push({ kind: 'update-price', tierId: tier.id, priceId: holder.id, summary, params: { active: true } });
      }
      continue;
    }
    if (holder !== undefined) replaced.add(holder.id);
    const money = formatAmount(amount, tier.currency);
    const summary =
      holder === undefined
        ? `+ create price ${tier.id} ${interval} ${money} (lookup key ${lookupKey})`
        : `+ create price ${tier.id} ${interval} ${money}, replacing ${describeAmount(holder)} (takes over lookup key ${lookupKey})`;
    creates.push({
      kind: 'create-price',
      tierId: tier.id,
      interval,
      summary,
      params: {
        product: productId,
        currency: tier.currency,
        unit_amount: amount,
        recurring: { interval: stripeInterval[interval] },
        lookup_key: lookupKey,
        // Always: a key left on some other price must not make the create fail.
        transfer_lookup_key: true,
        nickname: `${tier.name} ${interval}`,
        metadata: { [tierMetadataKey]: tier.id, [intervalMetadataKey]: interval },
      },
      replaces: holder?.id ?? null,
    });
  }

  const keeperIds = new Set(keepers.values());
  for (const price of tierPrices) {
    if (!price.active || keeperIds.has(price.id)) continue;
    const interval = intervalOf(price);
    const why = replaced.has(price.id)
      ? `replaced; its subscribers stay on it${migrate ? ' until moved below' : ' (--migrate moves them)'}`
      : interval !== undefined && tier.prices[interval] === undefined
        ? `${interval} billing is no longer in tiers.yaml`
        : 'superseded';
    const summary = `- archive price ${tier.id} ${interval ?? describeInterval(price)} ${describeAmount(price)} (${price.id}): ${why}`;
    archives.push({ kind: 'update-price', tierId: tier.id, priceId: price.id, summary, params: { active: false } });
  }

  if (migrate) {
    for (const interval of billingIntervals) {
      const amount = tier.prices[interval];
      if (amount === undefined) continue;
      const from = new Set(tierPrices.filter((price) => price.id !== keepers.get(interval) && intervalOf(price) === interval).map((price) => price.id));
      const subscriptions = snapshot.subscriptions.filter((subscription) => from.has(subscription.priceId));
      if (subscriptions.length === 0) continue;
      const lookupKey = lookupKeyFor(tier.id, interval);
      const count = subscriptions.length === 1 ? '1 subscription' : `${subscriptions.length} subscriptions`;
      const summary = `> move ${count} on ${tier.id} ${interval} to ${formatAmount(amount, tier.currency)} (${lookupKey}) from ${[...new Set(subscriptions.map((s) => s.priceId))].join(', ')}`;
      migrations.push({ kind: 'migrate-subscriptions', tierId: tier.id, interval, lookupKey, summary, subscriptions });
    }
  }
  return [...creates, ...archives, ...migrations];
}

function planRemovedTier(product: ProductState, prices: readonly PriceState[]): TierSyncAction[] {
  const tierId = tierIdOfProduct(product) ?? product.id;
  const actions: TierSyncAction[] = [];
  for (const price of prices) {
    if (price.productId !== product.id || !price.active || !isCoteriePrice(price)) continue;
    const summary = `- archive price ${tierId} ${describeInterval(price)} ${describeAmount(price)} (${price.id}): the tier is no longer in tiers.yaml`;
    actions.push({ kind: 'update-price', tierId, priceId: price.id, summary, params: { active: false } });
  }
  if (product.active) {
    const summary = `- archive product ${tierId} "${product.name}" (${product.id}): no longer in tiers.yaml; its subscribers keep paying until cancelled but lose access (keep the tier with visibility: archived to keep theirs)`;
    actions.push({ kind: 'update-product', tierId, productId: product.id, summary, params: { active: false }, basis: product.updated });
  }
  return actions;
}

function holderMatches(price: PriceState, wanted: { productId: string; currency: string; unitAmount: number; interval: string }): boolean {
  return (
    price.productId === wanted.productId &&
    price.currency === wanted.currency &&
    price.unitAmount === wanted.unitAmount &&
    price.interval === wanted.interval &&
    price.intervalCount === 1
  );
}

function isCoteriePrice(price: PriceState): boolean {
  return price.metadata[tierMetadataKey] !== undefined || (price.lookupKey?.startsWith('coterie-') ?? false);
}

function intervalOf(price: PriceState): BillingInterval | undefined {
  if (price.intervalCount !== 1) return undefined;
  return price.interval === 'month' ? 'monthly' : price.interval === 'year' ? 'yearly' : undefined;
}

function describeInterval(price: PriceState): string {
  if (price.interval === null) return 'one-time';
  return intervalOf(price) ?? `every ${price.intervalCount ?? 1} ${price.interval}s`;
}

function describeAmount(price: PriceState): string {
  return price.unitAmount === null ? 'custom amount' : formatAmount(price.unitAmount, price.currency);
}

/** Minor units as the creator reads them: (600, 'gbp') → £6.00; (600, 'jpy') → ¥600. */
export function formatAmount(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  return format.format(minorUnits / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}
