import type { Access } from '../../schemas/access.ts';

/** What the access rules need to know about a reader; `null` is someone not signed in. */
export type Reader = {
  role: 'owner' | 'moderator' | 'member';
  /** Ids of the paid tiers this reader is entitled to right now (paid or complimentary). */
  tiers: readonly string[];
} | null;

export type ReadDecision =
  | { allowed: true; reason: 'public' | 'member' | 'paid_member' | 'tier_member' | 'staff' }
  | { allowed: false; reason: 'sign_in_required' }
  | { allowed: false; reason: 'paid_required' }
  | { allowed: false; reason: 'tier_required'; tiers: readonly string[] };

/**
 * The one rule for reading a post: pages, listings, search, RSS and digests all ask it.
 * Owners and moderators read everything, because they answer for all of it.
 */
export function canRead(reader: Reader, post: { access: Access }): ReadDecision {
  const { access } = post;
  if (access === 'public') return { allowed: true, reason: 'public' };
  if (reader?.role === 'owner' || reader?.role === 'moderator') return { allowed: true, reason: 'staff' };
  if (access === 'members') {
    return reader ? { allowed: true, reason: 'member' } : { allowed: false, reason: 'sign_in_required' };
  }
  // A visitor who is not signed in is offered the upgrade itself (with a sign-in link
  // beside it): telling them only to sign in would hide what the post costs.
  const tiers = reader?.tiers ?? [];
  if (access === 'paid') {
    return tiers.length > 0 ? { allowed: true, reason: 'paid_member' } : { allowed: false, reason: 'paid_required' };
  }
  return access.some((tier) => tiers.includes(tier))
    ? { allowed: true, reason: 'tier_member' }
    : { allowed: false, reason: 'tier_required', tiers: access };
}

/**
 * True when someone who is not signed in may read the whole post: such posts are
 * prerendered, indexed in full and carried by feeds. It asks `canRead` itself, so the
 * build and the server cannot disagree about what is public.
 */
export function isPublic(post: { access: Access }): boolean {
  return canRead(null, post).allowed;
}
