/**
 * "Download my data": everything the site stores about a member, as JSON. No secrets,
 * and of other people nothing but the ids of what the member reacted to or reported.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { grants, members, reactions, replies, replyRevisions, reports, sessions, threadFollows, threads } from '../../../db/schema.ts';

export async function exportMemberData(db: Database, memberId: string, now: Date) {
  const [member] = await db.select().from(members).where(eq(members.id, memberId));
  if (!member) return undefined;
  const [memberSessions, memberGrants, memberThreads, memberReplies, memberReactions, memberReports, follows] = await Promise.all([
    db
      .select({ createdAt: sessions.createdAt, lastActiveAt: sessions.lastVerifiedAt, userAgent: sessions.userAgent })
      .from(sessions)
      .where(eq(sessions.memberId, memberId)),
    db
      .select({ tier: grants.tier, grantedAt: grants.createdAt, endsAt: grants.endsAt, revokedAt: grants.revokedAt, note: grants.note })
      .from(grants)
      .where(eq(grants.memberId, memberId)),
    db
      .select({
        id: threads.id,
        space: threads.spaceId,
        title: threads.title,
        body: threads.bodyMarkdown,
        createdAt: threads.createdAt,
        hiddenByModeratorAt: threads.hiddenAt,
      })
      .from(threads)
      .where(eq(threads.authorId, memberId))
      .orderBy(asc(threads.createdAt)),
    // Deleted and hidden replies too: their text is still stored.
    db
      .select({
        id: replies.id,
        threadId: replies.threadId,
        inReplyTo: replies.parentId,
        body: replies.bodyMarkdown,
        createdAt: replies.createdAt,
        editedAt: replies.editedAt,
        deletedAt: replies.deletedAt,
        hiddenByModeratorAt: replies.hiddenAt,
      })
      .from(replies)
      .where(eq(replies.authorId, memberId))
      .orderBy(asc(replies.createdAt)),
    db
      .select({ replyId: reactions.replyId, kind: reactions.kind, createdAt: reactions.createdAt })
      .from(reactions)
      .where(eq(reactions.memberId, memberId))
      .orderBy(asc(reactions.createdAt)),
    db
      .select({ replyId: reports.replyId, reason: reports.reason, state: reports.state, createdAt: reports.createdAt })
      .from(reports)
      .where(eq(reports.reporterId, memberId))
      .orderBy(asc(reports.createdAt)),
    db
      .select({ threadId: threadFollows.threadId, since: threadFollows.createdAt })
      .from(threadFollows)
      .where(eq(threadFollows.memberId, memberId)),
  ]);
  const revisions = await db
    .select({ replyId: replyRevisions.replyId, body: replyRevisions.bodyMarkdown, replacedAt: replyRevisions.replacedAt })
    .from(replyRevisions)
    .innerJoin(replies, eq(replies.id, replyRevisions.replyId))
    .where(eq(replies.authorId, memberId))
    .orderBy(asc(replyRevisions.replacedAt));
  const revisionsByReply = new Map<string, { body: string; replacedAt: Date }[]>();
  for (const { replyId, body, replacedAt } of revisions) revisionsByReply.set(replyId, [...(revisionsByReply.get(replyId) ?? []), { body, replacedAt }]);
  return {
    exportedAt: now.toISOString(),
    member: {
      email: member.email,
      name: member.name,
      handle: member.handle,
      role: member.role,
      newsletter: member.newsletter,
      emailVerifiedAt: member.emailVerifiedAt?.toISOString() ?? null,
      guidelinesAcceptedAt: member.guidelinesAcceptedAt?.toISOString() ?? null,
      joinedAt: member.createdAt.toISOString(),
    },
    sessions: memberSessions,
    complimentaryAccess: memberGrants,
    threads: memberThreads,
    replies: memberReplies.map((reply) => ({
      ...reply,
      earlierVersions: revisionsByReply.get(reply.id) ?? [],
    })),
    reactions: memberReactions,
    reports: memberReports,
    followedThreads: follows,
  };
}
