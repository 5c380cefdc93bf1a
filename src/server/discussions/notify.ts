/**
 * Who hears about a new reply: the author of what it answers, the members it mentions,
 * and the thread's followers — each once, never its own author, and only members who
 * may read the place now. Access is checked again when notifications are shown or
 * emailed, because access changes.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, notifications, threadFollows, type Reply, type Thread } from '../../../db/schema.ts';
import { heldTiers } from '../members/entitled-tiers.ts';
import { canReadPlace, isStaff, type Place } from './place-access.ts';

type Kind = 'mention' | 'reply' | 'followed';

/** Pure: one notification per recipient, the most specific kind winning. */
export function chooseRecipients(input: {
  authorId: string;
  answeredAuthorId: string | null;
  mentionedIds: readonly string[];
  followerIds: readonly string[];
}): Map<string, Kind> {
  const chosen = new Map<string, Kind>();
  const add = (id: string | null, kind: Kind) => {
    if (id && id !== input.authorId && !chosen.has(id)) chosen.set(id, kind);
  };
  for (const id of input.mentionedIds) add(id, 'mention');
  add(input.answeredAuthorId, 'reply');
  for (const id of input.followerIds) add(id, 'followed');
  return chosen;
}

export async function notifyAboutReply(
  db: Database,
  input: { place: Place; thread: Thread; reply: Reply; parent: Reply | undefined; mentions: readonly string[] },
  now: Date,
): Promise<number> {
  const { reply, thread } = input;
  if (!reply.authorId) return 0;
  const [mentioned, followers] = await Promise.all([
    input.mentions.length > 0 ? db.select({ id: members.id }).from(members).where(inArray(members.handle, [...input.mentions])) : Promise.resolve([]),
    db.select({ id: threadFollows.memberId }).from(threadFollows).where(eq(threadFollows.threadId, thread.id)),
  ]);
  const answeredAuthorId = input.parent ? input.parent.authorId : thread.authorId;
  const chosen = chooseRecipients({
    authorId: reply.authorId,
    answeredAuthorId,
    mentionedIds: mentioned.map((row) => row.id),
    followerIds: followers.map((row) => row.id),
  });
  if (chosen.size === 0) return 0;

  const recipients = await db.select({ id: members.id, role: members.role }).from(members).where(inArray(members.id, [...chosen.keys()]));
  let sent = 0;
  for (const recipient of recipients) {
    // A first cut: /notifications and the emails check again with only the tiers tiers.yaml declares.
    const reader = { role: recipient.role, tiers: await heldTiers(db, recipient.id, now) };
    if (!canReadPlace(reader, input.place) || (thread.hiddenAt && !isStaff(reader))) continue;
    const kind = chosen.get(recipient.id) ?? 'followed';
    const inserted = await db
      .insert(notifications)
      .values({ memberId: recipient.id, kind, threadId: thread.id, replyId: reply.id, actorId: reply.authorId, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: notifications.id });
    sent += inserted.length;
  }
  return sent;
}

/** Marks a member's unread notifications read (all, or those of one thread); returns how many. */
export async function markNotificationsRead(db: Database, memberId: string, now: Date, threadId?: string): Promise<number> {
  const mine = and(eq(notifications.memberId, memberId), isNull(notifications.readAt));
  const where = threadId ? and(mine, eq(notifications.threadId, threadId)) : mine;
  const marked = await db.update(notifications).set({ readAt: now }).where(where).returning({ id: notifications.id });
  return marked.length;
}
