/**
 * The readers a digest can be previewed as — one per way of seeing it: a free
 * subscriber, a member of each tier, and the owner (who sees everything).
 */
import type { Tier } from '../../../schemas/tier.ts';
import type { Reader } from '../../access/can-read.ts';

export interface PreviewReader {
  id: string;
  label: string;
  reader: Reader;
}

export function previewReaders(tiers: readonly Tier[]): PreviewReader[] {
  return [
    { id: 'free', label: 'Free subscriber', reader: { role: 'member', tiers: [] } },
    ...tiers.map((tier) => ({ id: `tier:${tier.id}`, label: `${tier.name} member`, reader: { role: 'member' as const, tiers: [tier.id] } })),
    { id: 'staff', label: 'Owner (sees everything)', reader: { role: 'owner', tiers: [] } },
  ];
}
