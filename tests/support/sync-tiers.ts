import type { TierToSync } from '../../src/server/billing/tier-sync/plan.ts';

/** Two tiers as tiers.yaml declares them, shared by the tier-sync tests. */
export const naturalist: TierToSync = {
  id: 'naturalist',
  name: 'Naturalist',
  description: 'All the paid posts.',
  prices: { monthly: 600, yearly: 6000 },
  currency: 'gbp',
  visibility: 'public',
};

export const patron: TierToSync = {
  id: 'patron',
  name: 'Field Patron',
  description: 'Keeps The Hedgerow independent.',
  prices: { monthly: 1500 },
  currency: 'gbp',
  visibility: 'public',
};
