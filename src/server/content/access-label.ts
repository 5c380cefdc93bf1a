import type { Access } from '../../schemas/access.ts';

/**
 * Who may read a post, in words — the one label for badges, search results, digests and
 * the newsletter archive. A tier list is named by the tiers' display names; a caller that
 * knows only some of them (an email knows the cheapest unlocking tier) names those, and
 * one that knows none says "Paid members".
 */
export function accessLabel(access: Access, tierNames: ReadonlyMap<string, string>): string {
  if (access === 'public') return 'Public';
  if (access === 'members') return 'Members';
  if (access === 'paid') return 'Paid members';
  const named = access.flatMap((id) => tierNames.get(id) ?? []);
  return named.length > 0 ? named.join(' or ') : 'Paid members';
}
