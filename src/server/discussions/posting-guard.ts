/**
 * Everything that must hold before a member's thread or reply is stored, beyond the
 * place's access: accepted guidelines, no mute or ban, within the posting rate, not a
 * repeat. Threads and replies count together. Loads what the pure `decidePosting`
 * needs, and returns its verdict. Call it in the transaction that stores the post: it
 * locks the member's row, so one member's posts sent at once are checked one by one
 * (otherwise each would be checked before any other was stored, and all pass).
 */
import { and, eq, gt, isNotNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, replies, threads } from '../../../db/schema.ts';
import { hashBody } from './body-rules.ts';
import { isStaff } from './place-access.ts';
import { decidePosting, postingLookbackMs } from './posting-limits.ts';
import { loadRestrictions } from './restriction-guard.ts';

export type GuardVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'guidelines_required' | 'banned' | 'muted' | 'too_fast' | 'duplicate'; message: string };

export async function checkPosting(db: Database, memberId: string, bodyHash: string, now: Date): Promise<GuardVerdict> {
  const [member] = await db
    .select({ createdAt: members.createdAt, guidelinesAcceptedAt: members.guidelinesAcceptedAt, role: members.role })
    .from(members)
    .where(eq(members.id, memberId))
    .for('update');
  if (!member) return { allowed: false, reason: 'banned', message: 'Your account no longer exists.' };
  if (!member.guidelinesAcceptedAt) {
    return { allowed: false, reason: 'guidelines_required', message: 'Before your first post, please read and accept the community guidelines.' };
  }
  const since = new Date(now.getTime() - postingLookbackMs());
  const [restrictions, recentReplies, recentThreads] = await Promise.all([
    loadRestrictions(db, memberId),
    db
      .select({ createdAt: replies.createdAt, bodyHash: replies.bodyHash })
      .from(replies)
      .where(and(eq(replies.authorId, memberId), gt(replies.createdAt, since))),
    // Threads keep no hash column: the opening messages of one day are few, so they are hashed here.
    db
      .select({ createdAt: threads.createdAt, bodyMarkdown: threads.bodyMarkdown })
      .from(threads)
      .where(and(eq(threads.authorId, memberId), gt(threads.createdAt, since), isNotNull(threads.bodyMarkdown))),
  ]);
  const recentPosts = [
    ...recentReplies,
    ...recentThreads.map((thread) => ({ createdAt: thread.createdAt, bodyHash: hashBody(thread.bodyMarkdown ?? '') })),
  ];
  const verdict = decidePosting({ now, memberSince: member.createdAt, staff: isStaff(member), recentPosts, bodyHash, restrictions });
  return verdict.allowed ? { allowed: true } : { allowed: false, reason: verdict.reason, message: verdict.message };
}
