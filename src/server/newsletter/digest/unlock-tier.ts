/**
 * The tier a digest offers a reader who may not read a post: the cheapest one open to
 * new members that unlocks it, by the same rule as the post page's upgrade button
 * (`tiersUnlocking` in src/site/community.ts).
 */
import type { Access } from '../../../schemas/access.ts';
import type { Tier } from '../../../schemas/tier.ts';

export function cheapestUnlockingTier(access: Access, tiers: readonly Tier[]): Tier | undefined {
  // Public posts need no tier, and members posts only a free sign-in.
  if (access === 'public' || access === 'members') return undefined;
  return tiersUnlockingAccess(access, tiers)[0];
}

/** The tiers still offered that unlock `access`, cheapest first; any open tier unlocks "paid". */
export function tiersUnlockingAccess(access: Access, tiers: readonly Tier[]): Tier[] {
  const open = tiers.filter((tier) => tier.visibility !== 'archived');
  const unlocking = Array.isArray(access) ? open.filter((tier) => access.includes(tier.id)) : open;
  return [...unlocking].sort((a, b) => a.prices.monthly - b.prices.monthly);
}
