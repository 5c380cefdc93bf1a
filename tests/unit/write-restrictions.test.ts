import { describe, expect, it } from 'vitest';
import { decideRestrictedWrite, restrictionAt, type RestrictedWrite } from '../../src/server/discussions/write-restrictions.ts';

const minute = 60 * 1000;
const day = 24 * 60 * minute;
const now = new Date('2025-03-04T14:28:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);

const writes: RestrictedWrite[] = ['post', 'edit', 'react', 'report', 'follow', 'profile'];

describe('decideRestrictedWrite', () => {
  it('refuses every write of a member banned for good, and says who can lift it', () => {
    for (const write of writes) {
      expect(decideRestrictedWrite(write, [{ kind: 'ban', until: null }], now), write).toMatchObject({ allowed: false, reason: 'banned', retryAt: null });
    }
    expect(decideRestrictedWrite('edit', [{ kind: 'ban', until: null }], now)).toMatchObject({
      message: 'You are banned, so you cannot edit your messages here. A moderator can lift the ban.',
    });
    expect(decideRestrictedWrite('react', [{ kind: 'ban', until: null }], now)).toMatchObject({
      message: 'You are banned, so you cannot react to messages here. A moderator can lift the ban.',
    });
  });

  it('refuses every write of a muted member until the mute ends, and no longer', () => {
    const restrictions = [{ kind: 'mute' as const, until: later(90 * minute) }];
    for (const write of writes) expect(decideRestrictedWrite(write, restrictions, now), write).toMatchObject({ allowed: false, reason: 'muted', retryAt: later(90 * minute) });
    expect(decideRestrictedWrite('edit', restrictions, now)).toMatchObject({
      message: 'You are muted, so you cannot edit your messages here: you can again at 15:58 UTC (in 90 minutes).',
    });
    expect(decideRestrictedWrite('edit', restrictions, later(90 * minute))).toEqual({ allowed: true });
  });

  it('allows a member with no restriction in force, or only ended ones', () => {
    expect(decideRestrictedWrite('react', [], now)).toEqual({ allowed: true });
    expect(decideRestrictedWrite('react', [{ kind: 'ban', until: now }, { kind: 'mute', until: later(-day) }], now)).toEqual({ allowed: true });
  });

  it('names a ban over a mute and waits for the later end of the two', () => {
    const decision = decideRestrictedWrite('follow', [{ kind: 'ban', until: later(1 * day) }, { kind: 'mute', until: later(3 * day) }], now);
    expect(decision).toMatchObject({ reason: 'banned', retryAt: later(3 * day) });
    expect(decideRestrictedWrite('follow', [{ kind: 'ban', until: later(1 * day) }, { kind: 'mute', until: null }], now)).toMatchObject({ reason: 'banned', retryAt: null });
  });
});

describe('restrictionAt', () => {
  it('counts a restriction up to, not at, its end', () => {
    const restrictions = [{ kind: 'mute' as const, until: later(minute) }];
    expect(restrictionAt(restrictions, now.getTime())).toBe('muted');
    expect(restrictionAt(restrictions, later(minute).getTime())).toBeUndefined();
  });
});
