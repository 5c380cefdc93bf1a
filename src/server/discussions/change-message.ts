/**
 * Editing, deleting and reacting. Authors edit and delete their own messages; staff may
 * delete anyone's. An edit keeps the previous version for moderators; a delete keeps a
 * placeholder so the replies under it keep their place. A mute or ban stops edits and
 * new reactions (write-restrictions.ts); deleting and taking a reaction back stay open.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { reactions, replies, replyRevisions, threads, type Reply } from '../../../db/schema.ts';
import { checkBody } from './body-rules.ts';
import { isStaff } from './place-access.ts';
import { renderMarkdown } from './render-markdown.ts';
import { checkRestrictions } from './restriction-guard.ts';

/** The small fixed set of reactions. */
export const reactionKinds = ['thanks', 'agree', 'insightful', 'funny'] as const;
export type ReactionKind = (typeof reactionKinds)[number];
export const reactionLabels: Record<ReactionKind, string> = { thanks: '🙏 Thanks', agree: '👍 Agree', insightful: '💡 Insightful', funny: '😄 Funny' };

type Actor = { id: string; role: 'owner' | 'moderator' | 'member' };
export type ChangeResult = { ok: true } | { ok: false; reason: string; message: string };

export async function editReply(db: Database, actor: Actor, reply: Reply, source: string, now: Date): Promise<ChangeResult> {
  if (reply.authorId !== actor.id) return { ok: false, reason: 'not_yours', message: 'Only the author can edit a message.' };
  if (reply.deletedAt || reply.hiddenAt) return { ok: false, reason: 'gone', message: 'This message was deleted, so it cannot be edited.' };
  const restricted = await checkRestrictions(db, actor.id, 'edit', now);
  if (!restricted.allowed) return { ok: false, reason: restricted.reason, message: restricted.message };
  const body = checkBody(source);
  if (!body.ok) return { ok: false, reason: body.reason, message: body.message };
  if (body.body === reply.bodyMarkdown) return { ok: true };
  await db.transaction(async (tx) => {
    await tx.insert(replyRevisions).values({ replyId: reply.id, bodyMarkdown: reply.bodyMarkdown, replacedAt: now });
    await tx.update(replies).set({ bodyMarkdown: body.body, bodyHtml: renderMarkdown(body.body).html, editedAt: now }).where(eq(replies.id, reply.id));
  });
  return { ok: true };
}

export async function deleteReply(db: Database, actor: Actor, reply: Reply, now: Date): Promise<ChangeResult> {
  if (reply.authorId !== actor.id && !isStaff(actor)) return { ok: false, reason: 'not_yours', message: 'Only the author or a moderator can delete a message.' };
  if (reply.deletedAt) return { ok: true };
  await db.transaction(async (tx) => {
    await tx.update(replies).set({ deletedAt: now }).where(eq(replies.id, reply.id));
    if (!reply.hiddenAt) await tx.update(threads).set({ replyCount: sql`greatest(${threads.replyCount} - 1, 0)` }).where(eq(threads.id, reply.threadId));
  });
  return { ok: true };
}

export type ReactionResult = { ok: true; change: 'added' | 'removed' } | { ok: false; reason: 'banned' | 'muted'; message: string };

/** Adds the reaction, or takes it back if the member had given it. */
export async function toggleReaction(db: Database, memberId: string, reply: Reply, kind: ReactionKind, now: Date): Promise<ReactionResult> {
  const restricted = await checkRestrictions(db, memberId, 'react', now);
  return db.transaction(async (tx): Promise<ReactionResult> => {
    const removed = await tx
      .delete(reactions)
      .where(and(eq(reactions.replyId, reply.id), eq(reactions.memberId, memberId), eq(reactions.kind, kind)))
      .returning({ kind: reactions.kind });
    if (removed.length > 0) {
      await tx.update(replies).set({ reactionCount: sql`greatest(${replies.reactionCount} - 1, 0)` }).where(eq(replies.id, reply.id));
      return { ok: true, change: 'removed' };
    }
    if (!restricted.allowed) return { ok: false, reason: restricted.reason, message: restricted.message };
    await tx.insert(reactions).values({ replyId: reply.id, memberId, kind, createdAt: now }).onConflictDoNothing();
    await tx.update(replies).set({ reactionCount: sql`${replies.reactionCount} + 1` }).where(eq(replies.id, reply.id));
    return { ok: true, change: 'added' };
  });
}
