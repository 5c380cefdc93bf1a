/**
 * `coterie billing reconcile`: walk every subscription in Stripe and store its current
 * state, as if every webhook had just arrived; then look again at subscriptions we hold
 * that Stripe no longer lists. Safe any time: it only converges.
 */
import { and, eq, ne, notInArray } from 'drizzle-orm';
import Stripe from 'stripe';
import { subscriptions } from '../../../db/schema.ts';
import type { BillingContext } from './billing-context.ts';
import { RetryLaterError } from './retry-later.ts';
import { syncSubscription } from './sync-subscription.ts';

export interface ReconcileReport {
  /** Subscriptions Stripe listed. */
  checked: number;
  /** Stored or refreshed from Stripe's state. */
  stored: number;
  /** Subscriptions to products that are not Coterie tiers. */
  notOurs: number;
  /** Subscriptions whose customer belongs to no member (made outside Coterie). */
  unlinked: string[];
  /** Rows we held for subscriptions Stripe no longer has; marked canceled. */
  vanished: string[];
}

export async function reconcileSubscriptions(context: BillingContext): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, stored: 0, notOurs: 0, unlinked: [], vanished: [] };
  const seen: string[] = [];
  for await (const subscription of context.stripe.subscriptions.list({ status: 'all', limit: 100 })) {
    report.checked++;
    seen.push(subscription.id);
    try {
      const outcome = await syncSubscription(context, subscription.id);
      if (outcome === 'stored') report.stored++;
      else report.notOurs++;
    } catch (error) {
      if (!(error instanceof RetryLaterError)) throw error;
      report.unlinked.push(subscription.id);
    }
  }
  const unseen = await context.db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    // Ended ones can stay as they are: a gone subscription entitles no one either way.
    .where(and(ne(subscriptions.status, 'canceled'), seen.length > 0 ? notInArray(subscriptions.id, seen) : undefined));
  for (const { id } of unseen) {
    try {
      await syncSubscription(context, id);
      report.stored++;
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || error.statusCode !== 404) throw error;
      // Deleted in Stripe (a test-mode reset, say): nothing there entitles anyone any more.
      await context.db.update(subscriptions).set({ status: 'canceled', updatedAt: context.now() }).where(eq(subscriptions.id, id));
      report.vanished.push(id);
    }
  }
  return report;
}
