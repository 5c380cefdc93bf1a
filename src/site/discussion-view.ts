/**
 * Astro-side glue for showing discussions: where a thread lives, who wrote what, the
 * reaction tallies of a page of replies, and the shape the thread components share.
 */
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { members, notifications, reactions, replies, threads, type MemberRole, type Thread } from '../../db/schema.ts';
import { memberLabel } from '../server/members/member-label.ts';
import { reactionKinds, type ReactionKind } from '../server/discussions/change-message.ts';
import type { Place } from '../server/discussions/place-access.ts';
import { replySorts, type ReplySort } from '../server/discussions/thread-reading.ts';
import { getPublishedPost, getSite, type Post } from './community.ts';
import { getSpace, postPlace, spacePlace } from './discussions.ts';
import type { Space } from '../schemas/space.ts';

/** Levels of replies shown on one page before "Continue this thread →". */
export const shownLevels = 5;
/** Top-level replies per thread page. */
export const repliesPerPage = 20;

export type ThreadHome = { place: Place; space: Space; post?: undefined } | { place: Place; post: Post; space?: undefined };

/** The space or post a thread belongs to; undefined when it is gone (space removed, post unpublished). */
export async function findThreadHome(thread: Thread): Promise<ThreadHome | undefined> {
  if (thread.spaceId) {
    const space = await getSpace(thread.spaceId);
    return space && { place: spacePlace(space), space };
  }
  const post = thread.postSlug ? await getPublishedPost(thread.postSlug) : undefined;
  return post && { place: postPlace(post), post };
}

export type AuthorInfo = { name: string | null; handle: string | null; role: MemberRole; /** As `memberLabel` names them to readers. */ label: string };

/**
 * Display names and roles of the given members, by id, each label made once here rather
 * than per message (components that await while rendering make the page buffer).
 */
export async function loadAuthors(db: Database, ids: readonly (string | null)[]): Promise<Map<string, AuthorInfo>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const [rows, site] = await Promise.all([
    db.select({ id: members.id, name: members.name, handle: members.handle, role: members.role }).from(members).where(inArray(members.id, wanted)),
    getSite(),
  ]);
  return new Map(rows.map((row) => [row.id, { name: row.name, handle: row.handle, role: row.role, label: memberLabel(row, { audience: 'everyone', communityName: site.name }) }]));
}

/** An author as `memberLabel` names them; a deleted account is a "Former member". */
export function authorLabel(authorId: string | null, authors: ReadonlyMap<string, AuthorInfo>): string {
  if (authorId === null) return 'Former member';
  // Not loaded (a race with a deletion): the nickname their id gives, as memberLabel would.
  return authors.get(authorId)?.label ?? memberLabel({ id: authorId, name: null, handle: null }, { audience: 'everyone', communityName: '' });
}

export type ReactionTally = { count: number; mine: boolean };

/** Per reply, per kind: how many gave it, and whether the reader did. */
export async function loadReactionTallies(db: Database, replyIds: readonly string[], readerId: string | undefined): Promise<Map<string, Map<ReactionKind, ReactionTally>>> {
  const tallies = new Map<string, Map<ReactionKind, ReactionTally>>();
  if (replyIds.length === 0) return tallies;
  const rows = await db
    .select({ replyId: reactions.replyId, kind: reactions.kind, count: count(), mine: sql<boolean>`bool_or(${reactions.memberId} = ${readerId ?? ''})` })
    .from(reactions)
    .where(inArray(reactions.replyId, [...replyIds]))
    .groupBy(reactions.replyId, reactions.kind);
  for (const row of rows) {
    const kind = reactionKinds.find((known) => known === row.kind);
    if (!kind) continue;
    const forReply = tallies.get(row.replyId) ?? new Map<ReactionKind, ReactionTally>();
    forReply.set(kind, { count: Number(row.count), mine: Boolean(row.mine) });
    tallies.set(row.replyId, forReply);
  }
  return tallies;
}

/** A post's discussion, if its first reply was written. */
export async function findPostThread(db: Database, slug: string): Promise<Thread | undefined> {
  const [thread] = await db.select().from(threads).where(eq(threads.postSlug, slug));
  return thread;
}

/** How many top-level replies a thread has (placeholders included, as its pages count them). */
export async function countTopLevel(db: Database, threadId: string): Promise<number> {
  const [row] = await db.select({ total: count() }).from(replies).where(and(eq(replies.threadId, threadId), eq(replies.depth, 0)));
  return Number(row?.total ?? 0);
}

/** `?sort=` as a known sort, oldest when absent or unknown. */
export function parseSort(value: string | null): ReplySort {
  return replySorts.find((sort) => sort === value) ?? 'oldest';
}

/** `?page=` as a whole number ≥ 1. */
export function parsePage(value: string | null): number {
  const page = Number.parseInt(value ?? '', 10);
  return Number.isFinite(page) && page > 0 ? page : 1;
}

/** Date and time for messages, in UTC like every date on the site, and saying so. */
export function formatDateTime(date: Date, language: string): string {
  return `${dateTimeFormat(language).format(date)} UTC`;
}

// One formatter per language: building an Intl.DateTimeFormat costs ~45 µs, and a thread page shows a hundred times.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(language: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    dateTimeFormats.set(language, format);
  }
  return format;
}

/** A refused form, to show its message beside it with what the member typed. */
export interface FormFailure {
  intent: string;
  /** The reply the form was about (the parent, for a reply form); null for the thread's own forms. */
  target: string | null;
  message: string;
  typed: { body?: string; reason?: string };
}

/** Everything the reply components need besides the reply itself. */
export interface ThreadUi {
  threadId: string | undefined;
  /** Where the page's forms post: the page itself, with its sort and page. */
  action: string;
  viewer: { id: string; staff: boolean } | null;
  /** Replying and reacting are open to this reader now (allowed, thread not locked or hidden). */
  canWrite: boolean;
  needsGuidelines: boolean;
  authors: ReadonlyMap<string, AuthorInfo>;
  reactions: ReadonlyMap<string, ReadonlyMap<ReactionKind, ReactionTally>>;
  failure: FormFailure | undefined;
  /** A `?done=` notice: about one reply (shown beside it), or the thread (target null). */
  notice: { target: string | null; message: string } | undefined;
  language: string;
}

export const permalink = (threadId: string, replyId: string) => `/t/${threadId}/r/${replyId}`;

/** A member's newest notifications, with what each is about. Access is the caller's to re-check. */
export async function loadNotifications(db: Database, memberId: string, limit = 50) {
  return db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      replyId: notifications.replyId,
      actorId: notifications.actorId,
      thread: threads,
      reply: { bodyMarkdown: replies.bodyMarkdown, deletedAt: replies.deletedAt, hiddenAt: replies.hiddenAt },
      actor: { name: members.name, handle: members.handle, role: members.role },
    })
    .from(notifications)
    .innerJoin(threads, eq(threads.id, notifications.threadId))
    .leftJoin(replies, eq(replies.id, notifications.replyId))
    .leftJoin(members, eq(members.id, notifications.actorId))
    .where(eq(notifications.memberId, memberId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

/** A one-line plain-text excerpt of a message's markdown. */
export function excerptOf(markdown: string, length = 160): string {
  const plain = markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_~>#]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > length ? `${plain.slice(0, length - 1).trimEnd()}…` : plain;
}
