/**
 * What a Stripe subscription entitles its member to, as a pure decision on its status
 * (see Stripe's subscription statuses). Feeds the same `activeTiers` as complimentary
 * grants, so `canRead` sees one list of tiers whatever their source.
 */
import type { TierEntitlement } from '../access/active-tiers.ts';

export interface SubscriptionFacts {
  tier: string;
  status: string;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
}

const day = 24 * 60 * 60 * 1000;
export const defaultGraceDays = 7;

/**
 * - trialing, active: entitled; until the period ends when cancelling at period end.
 * - past_due: a renewal failed and Stripe is retrying; access continues for the grace period.
 * - canceled, unpaid, incomplete, incomplete_expired, paused, or anything new: not entitled.
 */
export function subscriptionEntitlement(subscription: SubscriptionFacts, graceDays: number = defaultGraceDays): TierEntitlement | undefined {
  const { tier, status } = subscription;
  if (status === 'trialing' || status === 'active') {
    return { tier, endsAt: subscription.cancelAtPeriodEnd ? subscription.currentPeriodEnd : null, revokedAt: null };
  }
  if (status === 'past_due') {
    const since = subscription.pastDueSince ?? subscription.currentPeriodEnd;
    return { tier, endsAt: new Date(since.getTime() + graceDays * day), revokedAt: null };
  }
  return undefined;
}

/** BILLING_GRACE_DAYS, or the default; a bad value is reported, not guessed. */
export function graceDaysFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BILLING_GRACE_DAYS?.trim();
  if (!raw) return defaultGraceDays;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 0 || days > 60) {
    throw new Error(`BILLING_GRACE_DAYS must be a whole number of days from 0 to 60, not "${raw}".`);
  }
  return days;
}
