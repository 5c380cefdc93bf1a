import { describe, expect, it } from 'vitest';
import { canRead, type Reader } from '../../src/server/access/can-read.ts';

const visitor: Reader = null;
const freeMember: Reader = { role: 'member', tiers: [] };
const naturalist: Reader = { role: 'member', tiers: ['naturalist'] };
const moderator: Reader = { role: 'moderator', tiers: [] };
const owner: Reader = { role: 'owner', tiers: [] };

describe('canRead', () => {
  it('lets everyone read a public post', () => {
    for (const reader of [visitor, freeMember, naturalist, owner]) {
      expect(canRead(reader, { access: 'public' })).toEqual({ allowed: true, reason: 'public' });
    }
  });

  it('asks a visitor to sign in for a members post and lets any member read it', () => {
    expect(canRead(visitor, { access: 'members' })).toEqual({ allowed: false, reason: 'sign_in_required' });
    expect(canRead(freeMember, { access: 'members' })).toEqual({ allowed: true, reason: 'member' });
  });

  it('lets only a reader with some paid tier read a paid post, and offers the upgrade to the rest', () => {
    expect(canRead(visitor, { access: 'paid' })).toEqual({ allowed: false, reason: 'paid_required' });
    expect(canRead(freeMember, { access: 'paid' })).toEqual({ allowed: false, reason: 'paid_required' });
    expect(canRead(naturalist, { access: 'paid' })).toEqual({ allowed: true, reason: 'paid_member' });
  });

  it('names the tiers a tier-list post needs', () => {
    expect(canRead(naturalist, { access: ['patron'] })).toEqual({ allowed: false, reason: 'tier_required', tiers: ['patron'] });
    expect(canRead(visitor, { access: ['patron', 'naturalist'] })).toEqual({
      allowed: false,
      reason: 'tier_required',
      tiers: ['patron', 'naturalist'],
    });
    expect(canRead(naturalist, { access: ['patron', 'naturalist'] })).toEqual({ allowed: true, reason: 'tier_member' });
  });

  it('lets the owner and moderators read everything', () => {
    for (const staff of [owner, moderator]) {
      expect(canRead(staff, { access: ['patron'] })).toEqual({ allowed: true, reason: 'staff' });
      expect(canRead(staff, { access: 'paid' })).toEqual({ allowed: true, reason: 'staff' });
    }
  });
});
