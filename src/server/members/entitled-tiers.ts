/**
 * Every tier a member holds as at `now`, from every source: complimentary grants and
 * Stripe subscriptions. Several sources for one tier count once; the best one wins.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { grants, subscriptions } from '../../../db/schema.ts';
import { activeTiers, entitlingTiers, type TierEntitlement } from '../access/active-tiers.ts';
import { graceDaysFrom, subscriptionEntitlement } from '../billing/subscription-entitlement.ts';

/** The tiers a member may read with: held now, and still declared in tiers.yaml (`declaredTiers`). */
export async function entitledTiers(
  db: Database,
  memberId: string,
  now: Date,
  declaredTiers: ReadonlySet<string>,
  graceDays: number = graceDaysFrom(),
): Promise<string[]> {
  return entitlingTiers(await tierEntitlements(db, memberId, graceDays), now, declaredTiers);
}

/**
 * Every tier held now, declared or not. Only for a first cut that is checked again with
 * `entitledTiers` before anything is shown (see notify.ts).
 */
export async function heldTiers(db: Database, memberId: string, now: Date, graceDays: number = graceDaysFrom()): Promise<string[]> {
  return activeTiers(await tierEntitlements(db, memberId, graceDays), now);
}

async function tierEntitlements(db: Database, memberId: string, graceDays: number): Promise<TierEntitlement[]> {
  const [granted, subscribed] = await Promise.all([
    db.select({ tier: grants.tier, endsAt: grants.endsAt, revokedAt: grants.revokedAt }).from(grants).where(eq(grants.memberId, memberId)),
    db.select().from(subscriptions).where(eq(subscriptions.memberId, memberId)),
  ]);
  const paid = subscribed
    .map((subscription) => subscriptionEntitlement(subscription, graceDays))
    .filter((entitlement): entitlement is TierEntitlement => entitlement !== undefined);
  return [...granted, ...paid];
}
