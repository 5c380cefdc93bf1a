/**
 * Reading discussions a page at a time. A thread page is N top-level replies and their
 * branches down to a readable depth (plus one level more, so the page knows which
 * branches continue elsewhere): two indexed queries, whatever the thread's size.
 */
import { and, asc, count, desc, eq, inArray, isNull, lte, max, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { replies, threads, type Reply, type Thread } from '../../../db/schema.ts';

import type { ReplySort } from './reply-tree.ts';

export type { ReplySort } from './reply-tree.ts';
export const replySorts: readonly ReplySort[] = ['oldest', 'newest', 'reactions'];

export interface ThreadPage {
  /** Top-level replies of this page and their branches: the levels shown, plus one to tell where branches continue. */
  rows: Reply[];
  page: number;
  pages: number;
  topLevelTotal: number;
}

function topLevelOrder(sort: ReplySort) {
  if (sort === 'newest') return [desc(replies.createdAt), desc(replies.id)];
  if (sort === 'reactions') return [desc(replies.reactionCount), asc(replies.createdAt), asc(replies.id)];
  return [asc(replies.createdAt), asc(replies.id)];
}

export async function loadThreadPage(
  db: Database,
  threadId: string,
  options: { page: number; perPage: number; sort: ReplySort; maxDepth: number; includeHidden: boolean },
): Promise<ThreadPage> {
  const topLevel = and(eq(replies.threadId, threadId), eq(replies.depth, 0), options.includeHidden ? undefined : isNull(replies.hiddenAt));
  const [{ total = 0 } = {}] = await db.select({ total: count() }).from(replies).where(topLevel);
  const pages = Math.max(1, Math.ceil(total / options.perPage));
  const page = Math.min(Math.max(1, options.page), pages);
  const roots = await db
    .select({ id: replies.id })
    .from(replies)
    .where(topLevel)
    .orderBy(...topLevelOrder(options.sort))
    .limit(options.perPage)
    .offset((page - 1) * options.perPage);
  if (roots.length === 0) return { rows: [], page, pages, topLevelTotal: total };
  const rows = await db
    .select()
    .from(replies)
    .where(
      and(
        inArray(replies.rootId, roots.map((root) => root.id)),
        // maxDepth levels shown (depth 0 … maxDepth - 1), and one more.
        lte(replies.depth, options.maxDepth),
        options.includeHidden ? undefined : isNull(replies.hiddenAt),
      ),
    );
  return { rows, page, pages, topLevelTotal: total };
}

/** One reply and its branch, for permalinks and "continue this thread" pages. */
export async function loadBranch(db: Database, reply: Reply, options: { maxDepth: number; includeHidden: boolean }): Promise<Reply[]> {
  return db
    .select()
    .from(replies)
    .where(
      and(
        eq(replies.rootId, reply.rootId),
        sql`(${replies.id} = ${reply.id} or ${replies.path} like ${`${reply.path}/%`})`,
        lte(replies.depth, reply.depth + options.maxDepth + 1),
        options.includeHidden ? undefined : isNull(replies.hiddenAt),
      ),
    );
}

/** The replies a reply hangs under, top first, for a permalink's context line. */
export async function loadAncestors(db: Database, reply: Reply): Promise<Reply[]> {
  const ids = reply.path.split('/').slice(0, -1);
  if (ids.length === 0) return [];
  const rows = await db.select().from(replies).where(inArray(replies.id, ids));
  return ids.map((id) => rows.find((row) => row.id === id)).filter((row): row is Reply => row !== undefined);
}

export async function findThread(db: Database, threadId: string): Promise<Thread | undefined> {
  const [thread] = await db.select().from(threads).where(eq(threads.id, threadId));
  return thread;
}

export async function findReply(db: Database, replyId: string): Promise<Reply | undefined> {
  const [reply] = await db.select().from(replies).where(eq(replies.id, replyId));
  return reply;
}

/** A space's threads: pinned first, then by last activity, a page at a time. */
export async function listSpaceThreads(
  db: Database,
  spaceId: string,
  options: { page: number; perPage: number; includeHidden: boolean },
): Promise<{ threads: Thread[]; page: number; pages: number; total: number }> {
  const where = and(eq(threads.spaceId, spaceId), options.includeHidden ? undefined : isNull(threads.hiddenAt));
  const [{ total = 0 } = {}] = await db.select({ total: count() }).from(threads).where(where);
  const pages = Math.max(1, Math.ceil(total / options.perPage));
  const page = Math.min(Math.max(1, options.page), pages);
  const rows = await db
    .select()
    .from(threads)
    .where(where)
    .orderBy(desc(threads.pinned), desc(threads.lastActivityAt), desc(threads.id))
    .limit(options.perPage)
    .offset((page - 1) * options.perPage);
  return { threads: rows, page, pages, total };
}

/** Per space: how many visible threads, and when anything last happened. */
export async function spaceActivity(db: Database): Promise<Map<string, { threads: number; lastActivityAt: Date | null }>> {
  const rows = await db
    .select({ spaceId: threads.spaceId, threads: count(), lastActivityAt: max(threads.lastActivityAt) })
    .from(threads)
    .where(and(isNull(threads.hiddenAt), sql`${threads.spaceId} is not null`))
    .groupBy(threads.spaceId);
  return new Map(rows.map((row) => [row.spaceId ?? '', { threads: row.threads, lastActivityAt: row.lastActivityAt ? new Date(row.lastActivityAt) : null }]));
}
