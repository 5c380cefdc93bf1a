/** The part of a grant (or, later, a paid subscription) that decides whether it entitles now. */
export interface TierEntitlement {
  tier: string;
  /** Null: no end date. */
  endsAt: Date | null;
  /** Null: not revoked. */
  revokedAt: Date | null;
}

/** Tier ids the entitlements give access to at `now`, each once, sorted for stable output. */
export function activeTiers(entitlements: readonly TierEntitlement[], now: Date): string[] {
  const active = entitlements.filter(
    (entitlement) => entitlement.revokedAt === null && (entitlement.endsAt === null || entitlement.endsAt > now),
  );
  return [...new Set(active.map((entitlement) => entitlement.tier))].sort();
}

/**
 * What a reader may read with: the active tiers that tiers.yaml still declares. An
 * archived tier is declared (kept for the members it has), so it keeps opening posts; a
 * tier deleted from the file opens nothing, not even `paid` posts, whatever grants or
 * subscriptions still name it.
 */
export function entitlingTiers(entitlements: readonly TierEntitlement[], now: Date, declaredTiers: ReadonlySet<string>): string[] {
  return activeTiers(entitlements, now).filter((tier) => declaredTiers.has(tier));
}
