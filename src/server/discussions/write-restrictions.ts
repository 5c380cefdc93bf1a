/**
 * What a mute or a ban stops: every write a member makes that others see or hear of —
 * posting (threads and replies), editing, reacting, reporting, following, and the name
 * and handle on their profile. Taking something back stays open to everyone: deleting
 * one's own message, removing one's reaction, unfollowing. Pure: the caller loads the
 * member's restrictions that were not lifted, in force or ended.
 */
import { formatWhenUtc } from './retry-time-words.ts';

export type Restriction = { kind: 'mute' | 'ban'; until: Date | null };

export type RestrictedWrite = 'post' | 'edit' | 'react' | 'report' | 'follow' | 'profile';

export type RestrictionVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'banned' | 'muted'; retryAt: Date | null; message: string };

/** The restriction in force at `t`, a ban before a mute; one that ends at `t` no longer counts. */
export function restrictionAt(restrictions: readonly Restriction[], t: number): 'banned' | 'muted' | undefined {
  const active = (kind: Restriction['kind']) => restrictions.some((r) => r.kind === kind && (r.until === null || r.until.getTime() > t));
  if (active('ban')) return 'banned';
  if (active('mute')) return 'muted';
  return undefined;
}

const what: Record<RestrictedWrite, string> = {
  post: 'post',
  edit: 'edit your messages',
  react: 'react to messages',
  report: 'report messages',
  follow: 'follow threads',
  profile: 'change your name or handle',
};

export function decideRestrictedWrite(
  write: RestrictedWrite,
  restrictions: readonly Restriction[],
  now: Date,
  formatWhen: (at: Date, now: Date) => string = formatWhenUtc,
): RestrictionVerdict {
  const reason = restrictionAt(restrictions, now.getTime());
  if (!reason) return { allowed: true };
  // Both kinds stop the same writes, so the wait is until the last one in force ends.
  const inForce = restrictions.filter((r) => r.until === null || r.until.getTime() > now.getTime());
  const retryAt = inForce.some((r) => r.until === null) ? null : new Date(Math.max(...inForce.map((r) => r.until!.getTime())));
  const sentence = `You are ${reason}, so you cannot ${what[write]} here`;
  const message = retryAt
    ? `${sentence}: you can again ${formatWhen(retryAt, now)}.`
    : `${sentence}. A moderator can lift the ${reason === 'banned' ? 'ban' : 'mute'}.`;
  return { allowed: false, reason, retryAt, message };
}
