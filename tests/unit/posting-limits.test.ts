import { describe, expect, it } from 'vitest';
import {
  decidePosting,
  defaultPostingPolicy,
  formatWhenUtc,
  postingLookbackMs,
  type PostingRequest,
} from '../../src/server/discussions/posting-limits.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

const now = new Date('2025-03-04T14:28:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const later = (ms: number) => new Date(now.getTime() + ms);

const newMember = ago(1 * hour);
const oldMember = ago(30 * day);

function posts(...msAgo: number[]) {
  return msAgo.map((ms, i) => ({ createdAt: ago(ms), bodyHash: `other-${i}` }));
}

function request(overrides: Partial<PostingRequest>): PostingRequest {
  return { now, memberSince: oldMember, recentPosts: [], bodyHash: 'this-body', restrictions: [], ...overrides };
}

describe('decidePosting: how fast', () => {
  it('lets a new member post 3 replies in 10 minutes and refuses the 4th until the oldest is 10 minutes old', () => {
    expect(decidePosting(request({ memberSince: newMember, recentPosts: posts(6 * minute, 1 * minute) }))).toEqual({ allowed: true });
    const refused = decidePosting(request({ memberSince: newMember, recentPosts: posts(6 * minute, 3 * minute, 1 * minute) }));
    expect(refused).toMatchObject({ allowed: false, reason: 'too_fast', retryAt: later(4 * minute) });
  });

  it('lets a post stop counting exactly 10 minutes after it was made', () => {
    const boundary = request({ memberSince: newMember, recentPosts: posts(10 * minute, 3 * minute, 1 * minute) });
    expect(decidePosting(boundary)).toEqual({ allowed: true });
    const justInside = request({ memberSince: newMember, recentPosts: posts(10 * minute - 1, 3 * minute, 1 * minute) });
    expect(decidePosting(justInside)).toMatchObject({ allowed: false, reason: 'too_fast', retryAt: later(1) });
  });

  it('allows the post at its retry time and not a millisecond before', () => {
    const recentPosts = posts(8 * minute, 3 * minute, 1 * minute);
    const refused = decidePosting(request({ memberSince: newMember, recentPosts }));
    if (refused.allowed || !refused.retryAt) throw new Error('expected a refusal with a retry time');
    const at = (t: Date) => decidePosting(request({ memberSince: newMember, recentPosts, now: t }));
    expect(at(new Date(refused.retryAt.getTime() - 1)).allowed).toBe(false);
    expect(at(refused.retryAt)).toEqual({ allowed: true });
  });

  it('treats a member as established from exactly 24 hours after joining', () => {
    const three = posts(5 * minute, 3 * minute, 1 * minute);
    expect(decidePosting(request({ memberSince: ago(day), recentPosts: three }))).toEqual({ allowed: true });
    expect(decidePosting(request({ memberSince: ago(day - 1), recentPosts: three }))).toMatchObject({ reason: 'too_fast' });
  });

  it('lets a new member post again as soon as they stop being new, when that comes first', () => {
    const decision = decidePosting(request({ memberSince: ago(day - 2 * minute), recentPosts: posts(5 * minute, 3 * minute, 1 * minute) }));
    expect(decision).toMatchObject({ reason: 'too_fast', retryAt: later(2 * minute) });
  });

  it('lets an established member post 10 replies in 10 minutes, not 11', () => {
    const nine = Array.from({ length: 9 }, (_, i) => (i + 1) * minute - 1);
    expect(decidePosting(request({ recentPosts: posts(...nine) }))).toEqual({ allowed: true });
    const refused = decidePosting(request({ recentPosts: posts(9.5 * minute, ...nine) }));
    expect(refused).toMatchObject({ reason: 'too_fast', retryAt: later(30 * second) });
  });

  it('caps an established member at 60 replies a day, until the oldest is a day old', () => {
    // One every 20 minutes: never 10 in 10 minutes, 60 within the day.
    const sixty = Array.from({ length: 60 }, (_, i) => 23 * hour + 30 * minute - i * 20 * minute);
    expect(decidePosting(request({ recentPosts: posts(...sixty.slice(1)) }))).toEqual({ allowed: true });
    const refused = decidePosting(request({ recentPosts: posts(...sixty) }));
    expect(refused).toMatchObject({ reason: 'too_fast', retryAt: later(30 * minute) });
    if (refused.allowed) throw new Error('expected a refusal');
    expect(refused.message).toBe(
      'You are posting faster than members can (60 posts per day): you can post again at 14:58 UTC (in 30 minutes).',
    );
  });

  it('caps a new member at 60 a day too, not only 3 per 10 minutes', () => {
    // One every 11 minutes: never 3 in 10 minutes, 60 within the member's first 12 hours.
    const sixty = Array.from({ length: 60 }, (_, i) => 1 * minute + i * 11 * minute);
    const decision = decidePosting(request({ memberSince: ago(12 * hour), recentPosts: posts(...sixty) }));
    expect(decision).toMatchObject({ allowed: false, reason: 'too_fast', retryAt: later(day - 650 * minute) });
  });

  it('counts a post stamped a little after now as made now', () => {
    const recentPosts = [...posts(2 * minute, 1 * minute), { createdAt: later(5 * second), bodyHash: 'x' }];
    expect(decidePosting(request({ memberSince: newMember, recentPosts }))).toMatchObject({ reason: 'too_fast', retryAt: later(8 * minute) });
  });
});

describe('decidePosting: owners and moderators', () => {
  it('lets staff post a fourth time in 10 minutes, even on a brand-new account', () => {
    const three = posts(6 * minute, 3 * minute, 1 * minute);
    expect(decidePosting(request({ memberSince: newMember, recentPosts: three }))).toMatchObject({ reason: 'too_fast' });
    expect(decidePosting(request({ memberSince: newMember, staff: true, recentPosts: three }))).toEqual({ allowed: true });
  });

  it('still limits staff, to 30 posts in 10 minutes', () => {
    const twentyNine = Array.from({ length: 29 }, (_, i) => (i + 1) * 20 * second);
    expect(decidePosting(request({ staff: true, recentPosts: posts(...twentyNine) }))).toEqual({ allowed: true });
    const refused = decidePosting(request({ staff: true, recentPosts: posts(...twentyNine, 9 * minute) }));
    expect(refused).toMatchObject({ allowed: false, reason: 'too_fast', retryAt: later(20 * second) });
    if (refused.allowed) throw new Error('expected a refusal');
    expect(refused.message).toBe('You are posting faster than moderators and the owner can (30 posts per 10 minutes): you can post again at 14:29 UTC (in 1 minute).');
  });

  it('still refuses staff the same text twice, and a ban', () => {
    expect(decidePosting(request({ staff: true, recentPosts: [{ createdAt: ago(1 * minute), bodyHash: 'this-body' }] }))).toMatchObject({ reason: 'duplicate' });
    expect(decidePosting(request({ staff: true, restrictions: [{ kind: 'ban', until: null }] }))).toMatchObject({ reason: 'banned' });
  });
});

describe('decidePosting: the same body twice', () => {
  it('refuses the same body within 10 minutes, and allows it from exactly 10 minutes', () => {
    const same = (ms: number) => [{ createdAt: ago(ms), bodyHash: 'this-body' }];
    expect(decidePosting(request({ recentPosts: same(9 * minute) }))).toMatchObject({
      allowed: false,
      reason: 'duplicate',
      retryAt: later(1 * minute),
    });
    expect(decidePosting(request({ recentPosts: same(10 * minute) }))).toEqual({ allowed: true });
    expect(decidePosting(request({ recentPosts: same(9 * minute), bodyHash: 'another-body' }))).toEqual({ allowed: true });
  });

  it('names the duplicate but gives the time every rule passes', () => {
    const others = Array.from({ length: 58 }, (_, i) => 20 * hour - i * 19 * minute);
    const recentPosts = [{ createdAt: ago(21 * hour), bodyHash: 'this-body' }, ...posts(...others), { createdAt: ago(1 * minute), bodyHash: 'this-body' }];
    const decision = decidePosting(request({ recentPosts }));
    expect(decision).toMatchObject({ reason: 'duplicate', retryAt: later(3 * hour) });
  });
});

describe('decidePosting: bans and mutes', () => {
  it('refuses a banned member for good when the ban has no end', () => {
    const decision = decidePosting(request({ restrictions: [{ kind: 'ban', until: null }] }));
    expect(decision).toEqual({
      allowed: false,
      reason: 'banned',
      retryAt: null,
      message: 'You are banned from posting here. A moderator can lift the ban.',
    });
  });

  it('refuses a banned member until the ban ends, and no longer', () => {
    const restrictions = [{ kind: 'ban' as const, until: later(3 * day) }];
    const decision = decidePosting(request({ restrictions }));
    expect(decision).toMatchObject({ reason: 'banned', retryAt: later(3 * day) });
    if (decision.allowed) throw new Error('expected a refusal');
    expect(decision.message).toBe('You are banned from posting here: you can post again on 2025-03-07 at 14:28 UTC (in about 3 days).');
    expect(decidePosting(request({ restrictions, now: later(3 * day) }))).toEqual({ allowed: true });
  });

  it('mutes with and without an end', () => {
    expect(decidePosting(request({ restrictions: [{ kind: 'mute', until: null }] }))).toMatchObject({ reason: 'muted', retryAt: null });
    const decision = decidePosting(request({ restrictions: [{ kind: 'mute', until: later(90 * minute) }] }));
    expect(decision).toMatchObject({ reason: 'muted', retryAt: later(90 * minute) });
    if (decision.allowed) throw new Error('expected a refusal');
    expect(decision.message).toBe('You are muted and cannot post here: you can post again at 15:58 UTC (in 90 minutes).');
  });

  it('ignores restrictions that have ended', () => {
    const restrictions = [{ kind: 'ban' as const, until: now }, { kind: 'mute' as const, until: ago(day) }];
    expect(decidePosting(request({ restrictions }))).toEqual({ allowed: true });
  });

  it('names the ban over a mute, and waits for both to end', () => {
    const decision = decidePosting(
      request({ restrictions: [{ kind: 'ban', until: later(1 * hour) }, { kind: 'mute', until: later(5 * hour) }] }),
    );
    expect(decision).toMatchObject({ reason: 'banned', retryAt: later(5 * hour) });
    const forever = decidePosting(request({ restrictions: [{ kind: 'ban', until: later(1 * hour) }, { kind: 'mute', until: null }] }));
    expect(forever).toMatchObject({ reason: 'banned', retryAt: null });
  });
});

describe('messages', () => {
  it('tells a new member what happened and when, in plain text', () => {
    const decision = decidePosting(request({ memberSince: newMember, recentPosts: posts(6 * minute, 3 * minute, 1 * minute) }));
    if (decision.allowed) throw new Error('expected a refusal');
    expect(decision.message).toBe(
      'You are posting faster than new members can (3 posts per 10 minutes): you can post again at 14:32 UTC (in 4 minutes).',
    );
  });

  it('speaks of the duplicate', () => {
    const decision = decidePosting(request({ recentPosts: [{ createdAt: ago(2 * minute), bodyHash: 'this-body' }] }));
    if (decision.allowed) throw new Error('expected a refusal');
    expect(decision.message).toBe('You already posted this same text a moment ago: you can post again at 14:36 UTC (in 8 minutes).');
  });

  it('uses the formatter it is given', () => {
    const decision = decidePosting(
      request({ recentPosts: [{ createdAt: ago(2 * minute), bodyHash: 'this-body' }], formatWhen: (at, from) => `in ${(at.getTime() - from.getTime()) / minute} min` }),
    );
    if (decision.allowed) throw new Error('expected a refusal');
    expect(decision.message).toBe('You already posted this same text a moment ago: you can post again in 8 min.');
  });

  it('rounds the time shown up to the minute, so it is never a time still refused', () => {
    expect(formatWhenUtc(new Date('2025-03-04T14:31:20Z'), now)).toBe('at 14:32 UTC (in 4 minutes)');
    expect(formatWhenUtc(new Date('2025-03-04T14:28:10Z'), now)).toBe('at 14:29 UTC (in 1 minute)');
    expect(formatWhenUtc(new Date('2025-03-05T02:28:00Z'), now)).toBe('on 2025-03-05 at 02:28 UTC (in about 12 hours)');
  });
});

describe('postingLookbackMs', () => {
  it('reaches back as far as the longest window', () => {
    expect(postingLookbackMs()).toBe(day);
    expect(postingLookbackMs({ ...defaultPostingPolicy, duplicateWindowMs: 2 * day })).toBe(2 * day);
  });
});
