/**
 * Every tier a member may read as at `now`, from every source: complimentary grants and
 * Stripe subscriptions. Several sources for one tier count once; the best one wins.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { grants, subscriptions } from '../../../db/schema.ts';
import { activeTiers, type TierEntitlement } from '../access/active-tiers.ts';
import { graceDaysFrom, subscriptionEntitlement } from '../billing/subscription-entitlement.ts';

export async function entitledTiers(db: Database, memberId: string, now: Date, graceDays: number = graceDaysFrom()): Promise<string[]> {
  const [granted, subscribed] = await Promise.all([
    db.select({ tier: grants.tier, endsAt: grants.endsAt, revokedAt: grants.revokedAt }).from(grants).where(eq(grants.memberId, memberId)),
    db.select().from(subscriptions).where(eq(subscriptions.memberId, memberId)),
  ]);
  const paid = subscribed
    .map((subscription) => subscriptionEntitlement(subscription, graceDays))
    .filter((entitlement): entitlement is TierEntitlement => entitlement !== undefined);
  return activeTiers([...granted, ...paid], now);
}
