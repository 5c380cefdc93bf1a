/**
 * Starting threads and replying: every rule checked, then one transaction that stores
 * the message, moves the thread's activity and counts, makes the author a follower and
 * leaves notifications for those entitled to see it.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { newId } from '../../../db/ids.ts';
import { replies, threadFollows, threads, type Reply, type Thread } from '../../../db/schema.ts';
import type { Reader } from '../access/can-read.ts';
import { checkBody, hashBody } from './body-rules.ts';
import { parseMentions } from './mentions.ts';
import { notifyAboutReply } from './notify.ts';
import { canWriteInPlace, type Place } from './place-access.ts';
import { checkPosting } from './posting-guard.ts';
import { renderMarkdown } from './render-markdown.ts';

export type Author = NonNullable<Reader> & { id: string };

export type WriteRefusal = {
  ok: false;
  reason:
    | 'sign_in_required'
    | 'not_allowed_here'
    | 'empty'
    | 'too_long'
    | 'malformed'
    | 'too_deep'
    | 'title_missing'
    | 'title_too_long'
    | 'thread_locked'
    | 'thread_gone'
    | 'parent_elsewhere'
    | 'parent_deleted'
    | 'guidelines_required'
    | 'banned'
    | 'muted'
    | 'too_fast'
    | 'duplicate';
  message: string;
};

export const maxTitleLength = 150;

const placeRefusals = {
  sign_in_required: 'Sign in to join the conversation.',
  not_allowed_here: 'Your membership does not include writing here.',
} as const;

export async function startThread(
  db: Database,
  input: { place: Extract<Place, { kind: 'space' }>; author: Author | null; title: string; body: string },
  now: Date,
): Promise<{ ok: true; thread: Thread } | WriteRefusal> {
  const may = canWriteInPlace(input.author, input.place);
  if (!may.allowed) return { ok: false, reason: may.reason, message: placeRefusals[may.reason] };
  const author = input.author as Author;
  const title = input.title.trim().replace(/\s+/g, ' ');
  if (!title) return { ok: false, reason: 'title_missing', message: 'Give the thread a title.' };
  if (title.length > maxTitleLength) return { ok: false, reason: 'title_too_long', message: `A title can be at most ${maxTitleLength} characters (this one is ${title.length}).` };
  const body = checkBody(input.body);
  if (!body.ok) return { ok: false, reason: body.reason, message: body.message };
  const bodyHtml = renderMarkdown(body.body).html;

  return db.transaction(async (tx): Promise<{ ok: true; thread: Thread } | WriteRefusal> => {
    const guard = await checkPosting(tx, author.id, hashBody(body.body), now);
    if (!guard.allowed) return { ok: false, reason: guard.reason, message: guard.message };
    const [thread] = await tx
      .insert(threads)
      .values({ spaceId: input.place.id, authorId: author.id, title, bodyMarkdown: body.body, bodyHtml, createdAt: now, lastActivityAt: now })
      .returning();
    if (!thread) throw new Error('Creating a thread returned no row.');
    await tx.insert(threadFollows).values({ threadId: thread.id, memberId: author.id, createdAt: now }).onConflictDoNothing();
    return { ok: true, thread };
  });
}

/** The thread under a post, created with the post's first message. */
export async function postThread(db: Database, place: Extract<Place, { kind: 'post' }>, now: Date): Promise<Thread> {
  const [existing] = await db.select().from(threads).where(eq(threads.postSlug, place.slug));
  if (existing) return existing;
  await db.insert(threads).values({ postSlug: place.slug, title: place.title, createdAt: now, lastActivityAt: now }).onConflictDoNothing();
  const [created] = await db.select().from(threads).where(eq(threads.postSlug, place.slug));
  if (!created) throw new Error(`The discussion of ${place.slug} could not be created.`);
  return created;
}

export async function addReply(
  db: Database,
  input: { place: Place; thread: Thread; parentId: string | null; author: Author | null; body: string },
  now: Date,
): Promise<{ ok: true; reply: Reply } | WriteRefusal> {
  const { thread, place } = input;
  const may = canWriteInPlace(input.author, place);
  if (!may.allowed) return { ok: false, reason: may.reason, message: placeRefusals[may.reason] };
  const author = input.author as Author;
  if (thread.hiddenAt) return { ok: false, reason: 'thread_gone', message: 'This thread was removed by a moderator, so it takes no replies.' };
  if (thread.locked) return { ok: false, reason: 'thread_locked', message: 'This thread is locked: it takes no new replies.' };

  let parent: Reply | undefined;
  if (input.parentId) {
    [parent] = await db.select().from(replies).where(eq(replies.id, input.parentId));
    if (!parent || parent.threadId !== thread.id) return { ok: false, reason: 'parent_elsewhere', message: 'The message you replied to is not in this thread.' };
    if (parent.deletedAt || parent.hiddenAt) return { ok: false, reason: 'parent_deleted', message: 'The message you replied to was deleted, so it takes no replies. Reply to the thread instead.' };
  }
  const body = checkBody(input.body);
  if (!body.ok) return { ok: false, reason: body.reason, message: body.message };
  const bodyHash = hashBody(body.body);
  const bodyHtml = renderMarkdown(body.body).html;

  const id = newId();
  const stored = await db.transaction(async (tx): Promise<Reply | WriteRefusal | undefined> => {
    const guard = await checkPosting(tx, author.id, bodyHash, now);
    if (!guard.allowed) return { ok: false, reason: guard.reason, message: guard.message };
    const [row] = await tx
      .insert(replies)
      .values({
        id,
        threadId: thread.id,
        parentId: parent?.id ?? null,
        rootId: parent ? parent.rootId : id,
        path: parent ? `${parent.path}/${id}` : id,
        depth: parent ? parent.depth + 1 : 0,
        authorId: author.id,
        bodyMarkdown: body.body,
        bodyHtml,
        bodyHash,
        createdAt: now,
      })
      .returning();
    await tx
      .update(threads)
      .set({ lastActivityAt: now, replyCount: sql`${threads.replyCount} + 1` })
      .where(and(eq(threads.id, thread.id)));
    await tx.insert(threadFollows).values({ threadId: thread.id, memberId: author.id, createdAt: now }).onConflictDoNothing();
    return row;
  });
  if (!stored) throw new Error('Storing a reply returned no row.');
  if ('ok' in stored) return stored;
  const reply = stored;
  await notifyAboutReply(db, { place, thread, reply, parent, mentions: parseMentions(body.body) }, now);
  return { ok: true, reply };
}

/**
 * The pinned welcome thread a space may declare in spaces.yaml, created once, by the
 * owner. One made unsigned by an earlier version is given to the owner.
 */
export async function ensureWelcomeThread(
  db: Database,
  place: Extract<Place, { kind: 'space' }>,
  welcome: { title: string; body: string },
  ownerId: string,
  now: Date,
): Promise<void> {
  const [existing] = await db.select({ id: threads.id, authorId: threads.authorId }).from(threads).where(and(eq(threads.spaceId, place.id), eq(threads.pinned, true), eq(threads.title, welcome.title)));
  if (existing) {
    if (existing.authorId === null) await db.update(threads).set({ authorId: ownerId }).where(and(eq(threads.id, existing.id), isNull(threads.authorId)));
    return;
  }
  const body = checkBody(welcome.body);
  if (!body.ok) throw new Error(`spaces.yaml: welcome of "${place.id}": ${body.message}`);
  await db.insert(threads).values({
    spaceId: place.id,
    authorId: ownerId,
    title: welcome.title,
    bodyMarkdown: body.body,
    bodyHtml: renderMarkdown(body.body).html,
    pinned: true,
    createdAt: now,
    lastActivityAt: now,
  });
}
