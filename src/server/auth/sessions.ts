/**
 * Sessions on the Lucia model: the cookie holds `<id>.<secret>`; the database holds the
 * id and a SHA-256 of the secret, so a leaked table or backup signs nobody in.
 */
import { eq, and, ne, desc } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, sessions, type Member, type Session } from '../../../db/schema.ts';
import { digestsEqual, randomString, sha256Hex } from './secrets.ts';
import { defaultSessionPolicy, judgeSession, sessionExpiresAt, type SessionPolicy } from './session-policy.ts';

export interface NewSessionToken {
  /** Goes in the cookie and nowhere else. */
  token: string;
  session: Session;
  expiresAt: Date;
}

const maxUserAgentLength = 300;

/** A fresh session for a member who has just proved their address. */
export async function createSession(
  db: Database,
  memberId: string,
  now: Date,
  userAgent = '',
  policy: SessionPolicy = defaultSessionPolicy,
): Promise<NewSessionToken> {
  const id = randomString(24);
  const secret = randomString(24);
  const [session] = await db
    .insert(sessions)
    .values({ id, secretHash: sha256Hex(secret), memberId, createdAt: now, lastVerifiedAt: now, userAgent: userAgent.slice(0, maxUserAgentLength) })
    .returning();
  if (!session) throw new Error('Creating a session returned no row.');
  return { token: `${id}.${secret}`, session, expiresAt: sessionExpiresAt(session, policy) };
}

export type SessionValidation =
  | { valid: false }
  | { valid: true; session: Session; member: Member; /** The cookie should be re-sent with this expiry. */ refreshedUntil?: Date };

/**
 * The session and member a cookie token stands for, or `{ valid: false }`. Expired
 * sessions are deleted on sight; an active one has its activity recorded at most hourly.
 */
export async function validateSessionToken(
  db: Database,
  token: string,
  now: Date,
  policy: SessionPolicy = defaultSessionPolicy,
): Promise<SessionValidation> {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined) return { valid: false };
  const [row] = await db
    .select({ session: sessions, member: members })
    .from(sessions)
    .innerJoin(members, eq(members.id, sessions.memberId))
    .where(eq(sessions.id, id));
  if (!row) return { valid: false };
  // The secret is checked before anything else is revealed or changed, in constant time.
  if (!digestsEqual(row.session.secretHash, sha256Hex(secret))) return { valid: false };

  const verdict = judgeSession(row.session, now, policy);
  if (verdict === 'expired') {
    await invalidateSession(db, id);
    return { valid: false };
  }
  if (verdict === 'valid') return { valid: true, session: row.session, member: row.member };
  const [refreshed] = await db.update(sessions).set({ lastVerifiedAt: now }).where(eq(sessions.id, id)).returning();
  if (!refreshed) return { valid: false }; // signed out by another request meanwhile
  return { valid: true, session: refreshed, member: row.member, refreshedUntil: sessionExpiresAt(refreshed, policy) };
}

/** Signs one browser out. */
export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs a member out one session of theirs (from the account page); never someone else's. */
export async function invalidateMemberSession(db: Database, memberId: string, sessionId: string): Promise<boolean> {
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.memberId, memberId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

/** Signs a member out everywhere, or everywhere but the session they are using. */
export async function invalidateMemberSessions(db: Database, memberId: string, exceptSessionId?: string): Promise<number> {
  const where = exceptSessionId
    ? and(eq(sessions.memberId, memberId), ne(sessions.id, exceptSessionId))
    : eq(sessions.memberId, memberId);
  const deleted = await db.delete(sessions).where(where).returning({ id: sessions.id });
  return deleted.length;
}

/** A member's sessions, most recently active first, for the account page (no secrets). */
export async function listMemberSessions(db: Database, memberId: string) {
  return db
    .select({ id: sessions.id, createdAt: sessions.createdAt, lastVerifiedAt: sessions.lastVerifiedAt, userAgent: sessions.userAgent })
    .from(sessions)
    .where(eq(sessions.memberId, memberId))
    .orderBy(desc(sessions.lastVerifiedAt));
}
