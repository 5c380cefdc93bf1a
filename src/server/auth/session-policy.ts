/**
 * When a session ends, as pure decisions over timestamps (the Lucia session model):
 * a session dies after a stretch of inactivity, and in any case at an absolute age,
 * so a stolen cookie cannot be kept alive for ever by using it.
 */
export interface SessionPolicy {
  /** Unused this long, a session ends. */
  inactivityTimeoutMs: number;
  /** Activity is recorded at most this often, so reading pages does not write on every request. */
  activityCheckIntervalMs: number;
  /** However active, a session ends this long after sign-in. */
  absoluteLifetimeMs: number;
}

const hour = 60 * 60 * 1000;
const day = 24 * hour;

export const defaultSessionPolicy: SessionPolicy = {
  inactivityTimeoutMs: 14 * day,
  activityCheckIntervalMs: hour,
  absoluteLifetimeMs: 30 * day,
};

export type SessionVerdict = 'expired' | 'valid' | 'refresh';

/** Whether a session is over, fine as it is, or due to have its activity recorded. */
export function judgeSession(
  session: { createdAt: Date; lastVerifiedAt: Date },
  now: Date,
  policy: SessionPolicy = defaultSessionPolicy,
): SessionVerdict {
  const idle = now.getTime() - session.lastVerifiedAt.getTime();
  const age = now.getTime() - session.createdAt.getTime();
  if (idle >= policy.inactivityTimeoutMs || age >= policy.absoluteLifetimeMs) return 'expired';
  return idle >= policy.activityCheckIntervalMs ? 'refresh' : 'valid';
}

/** When the session will end if not used again: the earlier of its two limits. */
export function sessionExpiresAt(
  session: { createdAt: Date; lastVerifiedAt: Date },
  policy: SessionPolicy = defaultSessionPolicy,
): Date {
  const idleEnd = session.lastVerifiedAt.getTime() + policy.inactivityTimeoutMs;
  const absoluteEnd = session.createdAt.getTime() + policy.absoluteLifetimeMs;
  return new Date(Math.min(idleEnd, absoluteEnd));
}
