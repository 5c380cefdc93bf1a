/**
 * The liveliest discussions of a digest's period: threads by how many replies they got
 * in (since, until]. Hidden threads, and hidden or deleted replies, count for nothing —
 * a digest must not point at what moderators took down.
 */
import { and, asc, count, countDistinct, desc, eq, gt, isNull, lte, max } from 'drizzle-orm';
import type { Database } from '../../../../db/client.ts';
import { replies, threads } from '../../../../db/schema.ts';

export interface ActiveThread {
  id: string;
  title: string;
  /** Exactly one of these is set: the thread's space, or the post it discusses. */
  spaceId: string | null;
  postSlug: string | null;
  /** Replies written in the period. */
  replies: number;
  /** Different members who wrote them (a deleted account is not counted). */
  participants: number;
}

export async function topThreads(db: Database, { since, until, limit }: { since: Date; until: Date; limit: number }): Promise<ActiveThread[]> {
  if (limit <= 0) return [];
  const replyCount = count(replies.id);
  const rows = await db
    .select({
      id: threads.id,
      title: threads.title,
      spaceId: threads.spaceId,
      postSlug: threads.postSlug,
      replies: replyCount,
      participants: countDistinct(replies.authorId),
    })
    .from(replies)
    .innerJoin(threads, eq(threads.id, replies.threadId))
    .where(
      and(
        gt(replies.createdAt, since),
        lte(replies.createdAt, until),
        isNull(replies.deletedAt),
        isNull(replies.hiddenAt),
        isNull(threads.hiddenAt),
      ),
    )
    .groupBy(threads.id)
    // Ties go to the thread talked in most recently, then a stable order.
    .orderBy(desc(replyCount), desc(max(replies.createdAt)), asc(threads.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, replies: Number(row.replies), participants: Number(row.participants) }));
}
