/**
 * Everything that must hold before a member's message is stored, beyond the place's
 * access: accepted guidelines, no mute or ban, within the posting rate, not a repeat.
 * Loads what the pure `decidePosting` needs, and returns its verdict.
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { memberRestrictions, members, replies } from '../../../db/schema.ts';
import { decidePosting, postingLookbackMs } from './posting-limits.ts';

export type GuardVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'guidelines_required' | 'banned' | 'muted' | 'too_fast' | 'duplicate'; message: string };

export async function checkPosting(db: Database, memberId: string, bodyHash: string, now: Date): Promise<GuardVerdict> {
  const [member] = await db.select({ createdAt: members.createdAt, guidelinesAcceptedAt: members.guidelinesAcceptedAt }).from(members).where(eq(members.id, memberId));
  if (!member) return { allowed: false, reason: 'banned', message: 'Your account no longer exists.' };
  if (!member.guidelinesAcceptedAt) {
    return { allowed: false, reason: 'guidelines_required', message: 'Before your first post, please read and accept the community guidelines.' };
  }
  const since = new Date(now.getTime() - postingLookbackMs());
  const [restrictions, recent] = await Promise.all([
    db
      .select({ kind: memberRestrictions.kind, until: memberRestrictions.until })
      .from(memberRestrictions)
      .where(and(eq(memberRestrictions.memberId, memberId), isNull(memberRestrictions.liftedAt))),
    db
      .select({ createdAt: replies.createdAt, bodyHash: replies.bodyHash })
      .from(replies)
      .where(and(eq(replies.authorId, memberId), gt(replies.createdAt, since)))
      .orderBy(desc(replies.createdAt)),
  ]);
  const verdict = decidePosting({ now, memberSince: member.createdAt, recentPosts: recent, bodyHash, restrictions });
  return verdict.allowed ? { allowed: true } : { allowed: false, reason: verdict.reason, message: verdict.message };
}
