/**
 * Carries out a tier-sync plan against Stripe, in order, stopping at the first failure.
 * Every write has an idempotency key derived from what the action sends (and the state
 * it was planned from), so a run retried after a crash or a lost answer replays Stripe's
 * first answer instead of creating a second product or price.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { TierSyncAction } from './plan.ts';

export interface ApplyOutcome {
  /** The actions carried out, in order. */
  done: TierSyncAction[];
  /** The action that failed and why; the ones after it were not tried. */
  failure?: { action: TierSyncAction; error: unknown };
}

export async function applyTierSync(stripe: Stripe, actions: readonly TierSyncAction[]): Promise<ApplyOutcome> {
  const done: TierSyncAction[] = [];
  // Prices made in this run, by lookup key, for migrations that follow them.
  const created = new Map<string, string>();
  for (const action of actions) {
    try {
      await applyAction(stripe, action, created);
    } catch (error) {
      return { done, failure: { action, error } };
    }
    done.push(action);
  }
  return { done };
}

async function applyAction(stripe: Stripe, action: TierSyncAction, created: Map<string, string>): Promise<void> {
  const idempotencyKey = idempotencyKeyFor(action);
  switch (action.kind) {
    case 'create-product':
      await stripe.products.create(action.params, { idempotencyKey });
      return;
    case 'update-product':
      await updateOnce((key) => stripe.products.update(action.productId, action.params, { idempotencyKey: key }), idempotencyKey);
      return;
    case 'create-price': {
      const price = await stripe.prices.create(action.params, { idempotencyKey });
      created.set(action.params.lookup_key, price.id);
      return;
    }
    case 'update-price':
      await updateOnce((key) => stripe.prices.update(action.priceId, action.params, { idempotencyKey: key }), idempotencyKey);
      return;
    case 'migrate-subscriptions': {
      const target = created.get(action.lookupKey) ?? (await stripe.prices.list({ lookup_keys: [action.lookupKey], limit: 1 })).data[0]?.id;
      if (target === undefined) throw new Error(`No Stripe price holds the lookup key ${action.lookupKey}, so there is nothing to move subscriptions to.`);
      for (const subscription of action.subscriptions) {
        const params: Stripe.SubscriptionUpdateParams = {
          items: [{ id: subscription.itemId, price: target }],
          // The new price applies from the next renewal: nobody is charged or credited now.
          proration_behavior: 'none',
        };
        await stripe.subscriptions.update(subscription.id, params, { idempotencyKey: idempotencyKeyFor({ move: subscription, to: target }) });
      }
      return;
    }
  }
}

/**
 * An update whose key Stripe has seen replays that earlier answer without applying
 * anything, which would be wrong when the same edit comes round again within Stripe's
 * 24 hours (archive, reactivate, archive). Updates are safe to repeat, so a replayed one
 * is sent once more under a fresh key.
 */
async function updateOnce(send: (key: string) => Promise<Stripe.Response<unknown>>, idempotencyKey: string): Promise<void> {
  const answer = await send(idempotencyKey);
  if (answer.lastResponse.headers['idempotent-replayed'] === 'true') await send(`${idempotencyKey}-${randomUUID()}`);
}

/** `coterie-tier-sync-` and the SHA-256 of the action's content, minus its human line. */
export function idempotencyKeyFor(action: object): string {
  const content = Object.fromEntries(Object.entries(action).filter(([key]) => key !== 'summary'));
  return `coterie-tier-sync-${createHash('sha256').update(stableJson(content)).digest('hex')}`;
}

/** JSON with object keys sorted, so equal content always hashes alike. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
