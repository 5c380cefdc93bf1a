import { describe, expect, it } from 'vitest';
import { activeTiers } from '../../src/server/access/active-tiers.ts';
import { graceDaysFrom, subscriptionEntitlement, type SubscriptionFacts } from '../../src/server/billing/subscription-entitlement.ts';

const periodEnd = new Date('2026-04-01T00:00:00Z');
const base: SubscriptionFacts = { tier: 'naturalist', status: 'active', currentPeriodEnd: periodEnd, cancelAtPeriodEnd: false, pastDueSince: null };
const day = 24 * 60 * 60 * 1000;

describe('subscriptionEntitlement', () => {
  it('entitles trialing and active subscriptions with no end', () => {
    for (const status of ['trialing', 'active']) {
      expect(subscriptionEntitlement({ ...base, status })).toEqual({ tier: 'naturalist', endsAt: null, revokedAt: null });
    }
  });
  it('ends at the period end when cancelling at period end', () => {
    expect(subscriptionEntitlement({ ...base, cancelAtPeriodEnd: true })?.endsAt).toEqual(periodEnd);
  });
  it('keeps a past-due member in for the grace period from when the payment failed', () => {
    const since = new Date('2026-04-01T06:00:00Z');
    const entitlement = subscriptionEntitlement({ ...base, status: 'past_due', pastDueSince: since }, 3);
    expect(entitlement?.endsAt).toEqual(new Date(since.getTime() + 3 * day));
    expect(activeTiers(entitlement ? [entitlement] : [], new Date(since.getTime() + 3 * day - 1))).toEqual(['naturalist']);
    expect(activeTiers(entitlement ? [entitlement] : [], new Date(since.getTime() + 3 * day))).toEqual([]);
  });
  it('entitles nothing for ended or unfinished subscriptions', () => {
    for (const status of ['canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused', 'something_new']) {
      expect(subscriptionEntitlement({ ...base, status }), status).toBeUndefined();
    }
  });
  it('reads the grace period from BILLING_GRACE_DAYS, refusing nonsense', () => {
    expect(graceDaysFrom({})).toBe(7);
    expect(graceDaysFrom({ BILLING_GRACE_DAYS: '3' })).toBe(3);
    expect(() => graceDaysFrom({ BILLING_GRACE_DAYS: 'a week' })).toThrow(/BILLING_GRACE_DAYS/);
  });
});
