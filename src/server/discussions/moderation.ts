/**
 * What owners and moderators can do, each action written to the audit log in the same
 * transaction as its effect: pin, lock, move and hide threads; hide replies; mute or ban
 * a member for a period or for good, and lift it; settle reports.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { memberRestrictions, moderationLog, replies, reports, threads, type Reply, type Thread } from '../../../db/schema.ts';
import { isStaff } from './place-access.ts';
import { checkRestrictions } from './restriction-guard.ts';

type Actor = { id: string; role: 'owner' | 'moderator' | 'member' };
export type ModerationResult = { ok: true } | { ok: false; message: string; reason?: 'banned' | 'muted' };

const notStaff: ModerationResult = { ok: false, message: 'Only moderators and the owner can do that.' };

export type ThreadAction = 'pin' | 'unpin' | 'lock' | 'unlock' | 'hide' | 'unhide';

export async function moderateThread(db: Database, actor: Actor, thread: Thread, action: ThreadAction, now: Date, reason = ''): Promise<ModerationResult> {
  if (!isStaff(actor)) return notStaff;
  const change = {
    pin: { pinned: true },
    unpin: { pinned: false },
    lock: { locked: true },
    unlock: { locked: false },
    hide: { hiddenAt: now },
    unhide: { hiddenAt: null },
  }[action];
  await db.transaction(async (tx) => {
    await tx.update(threads).set(change).where(eq(threads.id, thread.id));
    await tx.insert(moderationLog).values({ actorId: actor.id, action: `${action}-thread`, targetKind: 'thread', targetId: thread.id, detail: reason, createdAt: now });
  });
  return { ok: true };
}

export async function moveThread(db: Database, actor: Actor, thread: Thread, toSpaceId: string, now: Date): Promise<ModerationResult> {
  if (!isStaff(actor)) return notStaff;
  if (!thread.spaceId) return { ok: false, message: 'A post’s discussion stays with its post.' };
  await db.transaction(async (tx) => {
    await tx.update(threads).set({ spaceId: toSpaceId }).where(eq(threads.id, thread.id));
    await tx.insert(moderationLog).values({ actorId: actor.id, action: 'move-thread', targetKind: 'thread', targetId: thread.id, detail: `${thread.spaceId} → ${toSpaceId}`, createdAt: now });
  });
  return { ok: true };
}

export async function hideReply(db: Database, actor: Actor, reply: Reply, hide: boolean, now: Date, reason = ''): Promise<ModerationResult> {
  if (!isStaff(actor)) return notStaff;
  await db.transaction(async (tx) => {
    await tx.update(replies).set({ hiddenAt: hide ? now : null }).where(eq(replies.id, reply.id));
    if (!reply.deletedAt && Boolean(reply.hiddenAt) !== hide) {
      await tx.update(threads).set({ replyCount: hide ? sql`greatest(${threads.replyCount} - 1, 0)` : sql`${threads.replyCount} + 1` }).where(eq(threads.id, reply.threadId));
    }
    await tx.insert(moderationLog).values({ actorId: actor.id, action: hide ? 'hide-reply' : 'unhide-reply', targetKind: 'reply', targetId: reply.id, detail: reason, createdAt: now });
  });
  return { ok: true };
}

export async function restrictMember(
  db: Database,
  actor: Actor,
  input: { memberId: string; kind: 'mute' | 'ban'; until: Date | null; reason: string },
  now: Date,
): Promise<ModerationResult> {
  if (!isStaff(actor)) return notStaff;
  if (input.memberId === actor.id) return { ok: false, message: 'You cannot restrict yourself.' };
  if (input.until !== null && input.until <= now) return { ok: false, message: 'The end must be in the future (or leave it empty for good).' };
  await db.transaction(async (tx) => {
    await tx.insert(memberRestrictions).values({ memberId: input.memberId, kind: input.kind, until: input.until, reason: input.reason, createdBy: actor.id, createdAt: now });
    await tx.insert(moderationLog).values({
      actorId: actor.id,
      action: input.kind,
      targetKind: 'member',
      targetId: input.memberId,
      detail: `${input.until ? `until ${input.until.toISOString()}` : 'for good'}${input.reason ? `: ${input.reason}` : ''}`,
      createdAt: now,
    });
  });
  return { ok: true };
}

export async function liftRestrictions(db: Database, actor: Actor, memberId: string, now: Date): Promise<ModerationResult> {
  if (!isStaff(actor)) return notStaff;
  await db.transaction(async (tx) => {
    await tx.update(memberRestrictions).set({ liftedAt: now }).where(and(eq(memberRestrictions.memberId, memberId), isNull(memberRestrictions.liftedAt)));
    await tx.insert(moderationLog).values({ actorId: actor.id, action: 'lift', targetKind: 'member', targetId: memberId, createdAt: now });
  });
  return { ok: true };
}

export const maxReportReason = 500;

export async function reportReply(db: Database, reporterId: string, reply: Reply, reason: string, now: Date): Promise<ModerationResult> {
  const why = reason.trim();
  if (!why) return { ok: false, message: 'Say briefly what is wrong, so moderators know what to look at.' };
  if (why.length > maxReportReason) return { ok: false, message: `Keep the reason under ${maxReportReason} characters.` };
  if (reply.authorId === reporterId) return { ok: false, message: 'You cannot report your own message; you can edit or delete it.' };
  const restricted = await checkRestrictions(db, reporterId, 'report', now);
  if (!restricted.allowed) return { ok: false, reason: restricted.reason, message: restricted.message };
  await db.insert(reports).values({ replyId: reply.id, reporterId, reason: why, createdAt: now }).onConflictDoNothing();
  return { ok: true };
}

export async function settleReport(db: Database, actor: Actor, reportId: string, state: 'resolved' | 'dismissed', now: Date): Promise<ModerationResult> {
  if (!isStaff(actor)) return notStaff;
  await db.transaction(async (tx) => {
    await tx.update(reports).set({ state, resolvedBy: actor.id, resolvedAt: now }).where(eq(reports.id, reportId));
    await tx.insert(moderationLog).values({ actorId: actor.id, action: `${state === 'resolved' ? 'resolve' : 'dismiss'}-report`, targetKind: 'report', targetId: reportId, createdAt: now });
  });
  return { ok: true };
}
