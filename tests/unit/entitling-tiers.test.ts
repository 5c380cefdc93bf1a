import { describe, expect, it } from 'vitest';
import { activeTiers, entitlingTiers } from '../../src/server/access/active-tiers.ts';
import { canRead } from '../../src/server/access/can-read.ts';

const now = new Date('2026-05-01T09:00:00Z');
const held = (tier: string) => ({ tier, endsAt: null, revokedAt: null });

describe('entitlingTiers', () => {
  it('keeps the tiers tiers.yaml declares, archived ones included, and drops removed ones', () => {
    // "founders" is archived (still in the file); "walkers" was deleted from it.
    const declared = new Set(['naturalist', 'founders']);
    const entitlements = [held('walkers'), held('founders'), held('naturalist')];
    expect(activeTiers(entitlements, now)).toEqual(['founders', 'naturalist', 'walkers']);
    expect(entitlingTiers(entitlements, now, declared)).toEqual(['founders', 'naturalist']);
  });

  it('gives a reader whose only tier was removed no paid access', () => {
    const tiers = entitlingTiers([held('walkers')], now, new Set(['naturalist']));
    expect(tiers).toEqual([]);
    expect(canRead({ role: 'member', tiers }, { access: 'paid' })).toEqual({ allowed: false, reason: 'paid_required' });
  });
});
