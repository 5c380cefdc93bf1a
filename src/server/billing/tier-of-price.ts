/**
 * Which tier a Stripe price belongs to: its `coterie_tier` metadata, or failing that its
 * lookup key `coterie-<tier>-<interval>` (both set by `coterie tiers sync`). A price of
 * another product in the same Stripe account belongs to no tier, and is ignored.
 */
export function tierOfPrice(price: { metadata?: Record<string, string> | null; lookup_key?: string | null }): string | undefined {
  const fromMetadata = price.metadata?.coterie_tier?.trim();
  if (fromMetadata) return fromMetadata;
  return /^coterie-([a-z0-9]+(?:-[a-z0-9]+)*)-(?:monthly|yearly)$/.exec(price.lookup_key ?? '')?.[1];
}
