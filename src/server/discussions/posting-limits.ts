/**
 * Whether a member may post a reply right now, and if not, why and from when. Pure: the
 * route loads the member's posts since `now - postingLookbackMs(policy)` (deleted ones
 * too, or delete-and-repost would dodge the limits) and their restrictions, then asks.
 */

const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;

export interface PostingLimit {
  /** Replies allowed within any window of `windowMs`. */
  posts: number;
  windowMs: number;
}

export interface PostingPolicy {
  /** A member younger than this follows `newMemberLimits`, after it `memberLimits`. */
  newMemberForMs: number;
  newMemberLimits: readonly PostingLimit[];
  memberLimits: readonly PostingLimit[];
  /** The same body again within this long is taken for a double submit. */
  duplicateWindowMs: number;
}

export const defaultPostingPolicy: PostingPolicy = {
  newMemberForMs: day,
  // The daily cap binds new members too: otherwise three every ten minutes would let a
  // fresh account post more in its first day than an established member may.
  newMemberLimits: [{ posts: 3, windowMs: 10 * minute }, { posts: 60, windowMs: day }],
  memberLimits: [{ posts: 10, windowMs: 10 * minute }, { posts: 60, windowMs: day }],
  duplicateWindowMs: 10 * minute,
};

export interface PostingRequest {
  now: Date;
  memberSince: Date;
  /** The member's own posts within `postingLookbackMs(policy)`; older ones are ignored anyway. */
  recentPosts: readonly { createdAt: Date; bodyHash: string }[];
  bodyHash: string;
  /** Every restriction on record; those that ended at or before `now` no longer count. */
  restrictions: readonly { kind: 'mute' | 'ban'; until: Date | null }[];
  /** Words after "you can post again", e.g. "at 14:32 (in 4 minutes)"; the default speaks UTC. */
  formatWhen?: (at: Date, now: Date) => string;
}

export type PostingReason = 'banned' | 'muted' | 'too_fast' | 'duplicate';

export type PostingDecision =
  | { allowed: true }
  | { allowed: false; reason: PostingReason; retryAt: Date | null; message: string };

/** How far back `recentPosts` must reach for this policy. */
export function postingLookbackMs(policy: PostingPolicy = defaultPostingPolicy): number {
  const windows = [...policy.newMemberLimits, ...policy.memberLimits].map((limit) => limit.windowMs);
  return Math.max(policy.duplicateWindowMs, ...windows);
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
  | { reason: 'too_fast'; limit: PostingLimit; newMember: boolean };

// Everything below is a function of the moment `t`, so the retry search can ask it again later.
function blockAt(request: PostingRequest, policy: PostingPolicy, t: number): Block | undefined {
  const active = (kind: 'mute' | 'ban') =>
    request.restrictions.some((r) => r.kind === kind && (r.until === null || r.until.getTime() > t));
  if (active('ban')) return { reason: 'banned' };
  if (active('mute')) return { reason: 'muted' };

  const times = request.recentPosts.map((post) => ({ at: postedAt(post, request.now.getTime()), post }));
  const within = (windowMs: number) => times.filter(({ at }) => at > t - windowMs && at <= t);
  if (within(policy.duplicateWindowMs).some(({ post }) => post.bodyHash === request.bodyHash)) return { reason: 'duplicate' };

  const newMember = t - request.memberSince.getTime() < policy.newMemberForMs;
  const limits = newMember ? policy.newMemberLimits : policy.memberLimits;
  // Of several exceeded limits, name the longest: it is the one that decides the wait.
  const exceeded = limits.filter((limit) => within(limit.windowMs).length >= limit.posts);
  const longest = exceeded.sort((a, b) => b.windowMs - a.windowMs)[0];
  return longest && { reason: 'too_fast', limit: longest, newMember };
}

// The answer only changes when a restriction ends, a post leaves a window or the member
// stops being new; the first of those moments at which nothing blocks is the retry time.
function earliestRetry(request: PostingRequest, policy: PostingPolicy): Date | null {
  if (request.restrictions.some((r) => r.until === null)) return null;
  const now = request.now.getTime();
  const windows = [policy.duplicateWindowMs, ...[...policy.newMemberLimits, ...policy.memberLimits].map((limit) => limit.windowMs)];
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
      return then('You are muted and cannot post replies', '. A moderator can lift the mute.');
    case 'duplicate':
      return then('You already posted this same reply a moment ago', '.');
    case 'too_fast': {
      const { posts, windowMs } = block.limit;
      const rate = `${posts} ${posts === 1 ? 'reply' : 'replies'} per ${describeWindow(windowMs)}`;
      const who = block.newMember ? 'new members' : 'members';
      return then(`You are posting faster than ${who} can (${rate})`, '.');
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

/** "at 14:32 UTC (in 4 minutes)", or "on 2025-03-07 at 09:00 UTC (in 3 days)" past today. */
export function formatWhenUtc(at: Date, now: Date): string {
  // Shown to the minute, rounded up, so the time named is never one that is refused.
  const shown = new Date(Math.ceil(at.getTime() / minute) * minute);
  const iso = shown.toISOString();
  const sameDay = iso.slice(0, 10) === now.toISOString().slice(0, 10);
  const clock = `at ${iso.slice(11, 16)} UTC`;
  return `${sameDay ? clock : `on ${iso.slice(0, 10)} ${clock}`} (in ${describeWait(shown.getTime() - now.getTime())})`;
}

function describeWait(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / minute));
  if (minutes < 120) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(ms / hour);
  if (hours < 48) return `about ${hours} hours`;
  return `about ${Math.round(ms / day)} days`;
}
