/**
 * Whether a member may post right now (start a thread or reply: both count alike), and
 * if not, why and from when. Pure: the route loads the member's threads and replies since
 * `now - postingLookbackMs(policy)` (deleted ones too, or delete-and-repost would dodge
 * the limits) and their restrictions, then asks.
 */
import { formatWhenUtc } from './retry-time-words.ts';
import { restrictionAt, type Restriction } from './write-restrictions.ts';

export { formatWhenUtc };

const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;

export interface PostingLimit {
  /** Posts (threads and replies) allowed within any window of `windowMs`. */
  posts: number;
  windowMs: number;
}

export interface PostingPolicy {
  /** A member younger than this follows `newMemberLimits`, after it `memberLimits`. */
  newMemberForMs: number;
  newMemberLimits: readonly PostingLimit[];
  memberLimits: readonly PostingLimit[];
  /** Owners and moderators, however new their account. */
  staffLimits: readonly PostingLimit[];
  /** The same body again within this long is taken for a double submit. */
  duplicateWindowMs: number;
}

export const defaultPostingPolicy: PostingPolicy = {
  newMemberForMs: day,
  // The daily cap binds new members too: otherwise three every ten minutes would let a
  // fresh account post more in its first day than an established member may.
  newMemberLimits: [{ posts: 3, windowMs: 10 * minute }, { posts: 60, windowMs: day }],
  memberLimits: [{ posts: 10, windowMs: 10 * minute }, { posts: 60, windowMs: day }],
  // Staff answer questions in bursts and open a community with many threads; the limit
  // stays so that a script on a stolen staff session cannot flood every space.
  staffLimits: [{ posts: 30, windowMs: 10 * minute }, { posts: 300, windowMs: day }],
  duplicateWindowMs: 10 * minute,
};

export interface PostingRequest {
  now: Date;
  memberSince: Date;
  /** An owner or moderator: `staffLimits` apply. */
  staff?: boolean;
  /** The member's own posts within `postingLookbackMs(policy)`; older ones are ignored anyway. */
  recentPosts: readonly { createdAt: Date; bodyHash: string }[];
  bodyHash: string;
  /** Every restriction on record; those that ended at or before `now` no longer count. */
  restrictions: readonly Restriction[];
  /** Words after "you can post again", e.g. "at 14:32 (in 4 minutes)"; the default speaks UTC. */
  formatWhen?: (at: Date, now: Date) => string;
}

export type PostingReason = 'banned' | 'muted' | 'too_fast' | 'duplicate';

export type PostingDecision =
  | { allowed: true }
  | { allowed: false; reason: PostingReason; retryAt: Date | null; message: string };

/** How far back `recentPosts` must reach for this policy. */
export function postingLookbackMs(policy: PostingPolicy = defaultPostingPolicy): number {
  return Math.max(policy.duplicateWindowMs, ...allLimits(policy).map((limit) => limit.windowMs));
}

function allLimits(policy: PostingPolicy): PostingLimit[] {
  return [...policy.newMemberLimits, ...policy.memberLimits, ...policy.staffLimits];
}

/**
 * Bans come first, then mutes, then a repeated body, then speed. `retryAt` is the first
 * moment at which this same post would pass every rule, not just the one named, so the
 * member is never told a time that will be refused again; `null` while any restriction
 * without an end applies.
 */
export function decidePosting(request: PostingRequest, policy: PostingPolicy = defaultPostingPolicy): PostingDecision {
  const { now } = request;
  const block = blockAt(request, policy, now.getTime());
  if (!block) return { allowed: true };
  const retryAt = earliestRetry(request, policy);
  const when = retryAt && `you can post again ${(request.formatWhen ?? formatWhenUtc)(retryAt, now)}`;
  return { allowed: false, reason: block.reason, retryAt, message: describe(block, when) };
}

type Block =
  | { reason: 'banned' | 'muted' }
  | { reason: 'duplicate' }
  | { reason: 'too_fast'; limit: PostingLimit; who: 'new members' | 'members' | 'moderators and the owner' };

// Everything below is a function of the moment `t`, so the retry search can ask it again later.
function blockAt(request: PostingRequest, policy: PostingPolicy, t: number): Block | undefined {
  const restricted = restrictionAt(request.restrictions, t);
  if (restricted) return { reason: restricted };

  const times = request.recentPosts.map((post) => ({ at: postedAt(post, request.now.getTime()), post }));
  const within = (windowMs: number) => times.filter(({ at }) => at > t - windowMs && at <= t);
  if (within(policy.duplicateWindowMs).some(({ post }) => post.bodyHash === request.bodyHash)) return { reason: 'duplicate' };

  const newMember = t - request.memberSince.getTime() < policy.newMemberForMs;
  const who = request.staff ? 'moderators and the owner' : newMember ? 'new members' : 'members';
  const limits = request.staff ? policy.staffLimits : newMember ? policy.newMemberLimits : policy.memberLimits;
  // Of several exceeded limits, name the longest: it is the one that decides the wait.
  const exceeded = limits.filter((limit) => within(limit.windowMs).length >= limit.posts);
  const longest = exceeded.sort((a, b) => b.windowMs - a.windowMs)[0];
  return longest && { reason: 'too_fast', limit: longest, who };
}

// The answer only changes when a restriction ends, a post leaves a window or the member
// stops being new; the first of those moments at which nothing blocks is the retry time.
function earliestRetry(request: PostingRequest, policy: PostingPolicy): Date | null {
  if (request.restrictions.some((r) => r.until === null)) return null;
  const now = request.now.getTime();
  const windows = [policy.duplicateWindowMs, ...allLimits(policy).map((limit) => limit.windowMs)];
  const moments = [
    request.memberSince.getTime() + policy.newMemberForMs,
    ...request.restrictions.flatMap((r) => (r.until ? [r.until.getTime()] : [])),
    ...request.recentPosts.flatMap((post) => windows.map((windowMs) => postedAt(post, now) + windowMs)),
  ];
  const candidates = [...new Set(moments)].filter((t) => t > now).sort((a, b) => a - b);
  const first = candidates.find((t) => !blockAt(request, policy, t));
  if (first === undefined) throw new Error('decidePosting: the block never ends; does the policy allow 0 posts somewhere?');
  return new Date(first);
}

// A post stamped after `now` (app and database clocks differ) counts as made now.
function postedAt(post: { createdAt: Date }, now: number): number {
  return Math.min(post.createdAt.getTime(), now);
}

function describe(block: Block, when: string | null): string {
  const then = (sentence: string, fallback: string) => (when ? `${sentence}: ${when}.` : `${sentence}${fallback}`);
  switch (block.reason) {
    case 'banned':
      return then('You are banned from posting here', '. A moderator can lift the ban.');
    case 'muted':
      return then('You are muted and cannot post here', '. A moderator can lift the mute.');
    case 'duplicate':
      return then('You already posted this same text a moment ago', '.');
    case 'too_fast': {
      const { posts, windowMs } = block.limit;
      const rate = `${posts} ${posts === 1 ? 'post' : 'posts'} per ${describeWindow(windowMs)}`;
      return then(`You are posting faster than ${block.who} can (${rate})`, '.');
    }
  }
}

function describeWindow(windowMs: number): string {
  if (windowMs === day) return 'day';
  if (windowMs % day === 0) return `${windowMs / day} days`;
  if (windowMs === hour) return 'hour';
  if (windowMs % hour === 0) return `${windowMs / hour} hours`;
  const minutes = Math.ceil(windowMs / minute);
  return minutes === 1 ? 'minute' : `${minutes} minutes`;
}
