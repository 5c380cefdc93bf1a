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
