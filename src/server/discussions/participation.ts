/** Accepting the guidelines once, and following or leaving a thread. */
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, threadFollows } from '../../../db/schema.ts';
import { checkRestrictions } from './restriction-guard.ts';

export async function acceptGuidelines(db: Database, memberId: string, now: Date): Promise<void> {
  await db.update(members).set({ guidelinesAcceptedAt: now }).where(and(eq(members.id, memberId), isNull(members.guidelinesAcceptedAt)));
}

export async function hasAcceptedGuidelines(db: Database, memberId: string): Promise<boolean> {
  const [row] = await db.select({ at: members.guidelinesAcceptedAt }).from(members).where(eq(members.id, memberId));
  return Boolean(row?.at);
}

export type FollowResult = { ok: true } | { ok: false; reason: 'banned' | 'muted'; message: string };

/** Leaving is always possible; following is a write a mute or ban stops. */
export async function setFollowing(db: Database, memberId: string, threadId: string, follow: boolean, now: Date): Promise<FollowResult> {
  if (!follow) {
    await db.delete(threadFollows).where(and(eq(threadFollows.threadId, threadId), eq(threadFollows.memberId, memberId)));
    return { ok: true };
  }
  const restricted = await checkRestrictions(db, memberId, 'follow', now);
  if (!restricted.allowed) return { ok: false, reason: restricted.reason, message: restricted.message };
  await db.insert(threadFollows).values({ threadId, memberId, createdAt: now }).onConflictDoNothing();
  return { ok: true };
}

export async function isFollowing(db: Database, memberId: string, threadId: string): Promise<boolean> {
  const [row] = await db.select({ id: threadFollows.threadId }).from(threadFollows).where(and(eq(threadFollows.threadId, threadId), eq(threadFollows.memberId, memberId)));
  return row !== undefined;
}
