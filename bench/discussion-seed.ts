/**
 * Seeds the discussions benchmark straight into the database, in batches: a community
 * of members, a space with thousands of threads, one big thread and one small one of
 * the same shape, reactions, and the follows that replying would have left behind.
 * Deterministic from the seed, except the ids (random, as everywhere in Coterie).
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { members, reactions, replies, threadFollows, threads } from '../db/schema.ts';
import { reactionKinds } from '../src/server/discussions/change-message.ts';
import { renderMarkdown } from '../src/server/discussions/render-markdown.ts';
import { createRandom, type Random } from './seeded-random.ts';
import { blockquote, latinName, list, phrase, sentence } from './synthetic-markdown.ts';

export const spaceId = 'field-notes';
/** Deepest reply seeded (0 is top level); the page shows five levels and links the rest. */
const maxSeedDepth = 8;
const batchSize = 1000;
const day = 24 * 60 * 60 * 1000;

export type SeedOptions = {
  /** Threads in the space, the two measured ones included. */
  threads: number;
  /** Replies in the big thread, and in the small one. */
  bigReplies: number;
  smallReplies: number;
  /** Share of a thread's replies that answer the thread itself (the rest are nested). */
  topLevelShare: number;
  /** Members who wrote the seeded messages; the posters and the reader are among them. */
  members: number;
  seed: number;
};

export type SeededMember = { id: string; email: string };

export type Seeded = {
  bigThreadId: string;
  smallThreadId: string;
  /** Members who post in the posting pass, then one who only reads. */
  members: SeededMember[];
  /** Replies a poster may answer, per thread (depth < 7, so the answer stays within 8). */
  answerable: { big: string[]; small: string[] };
  rows: { members: number; threads: number; replies: number; reactions: number; follows: number };
  shapes: { big: ThreadShape; small: ThreadShape };
};

export type ThreadShape = { topLevel: number; nested: number; deepest: number; authors: number };

type ReplyRow = typeof replies.$inferInsert;

function hashBody(body: string): string {
  // The same normalization as write-message.ts, so the duplicate guard reads these rows as it would its own.
  return createHash('sha256').update(body.replace(/\s+/g, ' ').trim().toLowerCase()).digest('hex');
}

/** Mostly a few sentences, sometimes a paragraph or two with a list or a quote, as replies are. */
function replyBody(random: Random): string {
  const roll = random.next();
  const sentences = (min: number, max: number) => Array.from({ length: random.int(min, max) }, () => sentence(random)).join(' ');
  if (roll < 0.6) return sentences(1, 3);
  if (roll < 0.9) return `${sentences(3, 6)} Probably *${latinName(random)}*.`;
  return [sentences(2, 4), random.chance(0.5) ? list(random) : blockquote(random), sentences(1, 3)].join('\n\n');
}

async function insertInBatches<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += batchSize) await insert(rows.slice(start, start + batchSize));
}

/**
 * One thread's replies. Top-level replies arrive evenly over the thread's life; each gets
 * a share of the nested ones drawn at random (most get a few, some none, a few many),
 * independent of its position, so every page of a thread, big or small, carries the
 * same load on average. Within a branch, each answer comes after what it answers and
 * goes to the latest message half the time (a conversation going deeper) or to any
 * earlier one, down to `maxSeedDepth`.
 */
function replyTree(random: Random, threadId: string, total: number, topLevel: number, authorIds: readonly string[], from: number, to: number): ReplyRow[] {
  const row = (at: number, place: Pick<ReplyRow, 'parentId' | 'rootId' | 'path' | 'depth'> & { id: string }): ReplyRow => {
    // Popular authors write more: a skewed pick over the community.
    const authorId = authorIds[Math.floor(authorIds.length * random.next() ** 2)] ?? null;
    const bodyMarkdown = replyBody(random);
    return { ...place, threadId, authorId, bodyMarkdown, bodyHtml: renderMarkdown(bodyMarkdown).html, bodyHash: hashBody(bodyMarkdown), createdAt: new Date(at) };
  };
  // Exponential weights, then largest remainders, so the nested replies add up exactly.
  const weights = Array.from({ length: topLevel }, () => -Math.log(1 - random.next()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const nested = total - topLevel;
  const shares = weights.map((weight) => (nested * weight) / sum);
  const counts = shares.map(Math.floor);
  const order = shares.map((share, index) => ({ index, rest: share - Math.floor(share) })).sort((a, b) => b.rest - a.rest);
  const missing = nested - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) {
    const index = order[k % topLevel]?.index ?? 0;
    counts[index] = (counts[index] ?? 0) + 1;
  }

  const rows: ReplyRow[] = [];
  for (let index = 0; index < topLevel; index++) {
    const id = newId();
    const at = from + ((to - from) * (index + random.next())) / topLevel;
    const top = row(at, { id, parentId: null, rootId: id, path: id, depth: 0 });
    rows.push(top);
    const branch = [top];
    // Answers come soon after the message they follow, most within days.
    const times = Array.from({ length: counts[index] ?? 0 }, () => at + 1000 + (to - at) * random.next() ** 4).sort((a, b) => a - b);
    for (const time of times) {
      const latest = branch[branch.length - 1] ?? top;
      const open = branch.filter((reply) => (reply.depth ?? 0) < maxSeedDepth);
      const parent = (latest.depth ?? 0) < maxSeedDepth && random.chance(0.5) ? latest : random.pick(open);
      const childId = newId();
      const child = row(time, { id: childId, parentId: parent.id ?? null, rootId: id, path: `${parent.path}/${childId}`, depth: (parent.depth ?? 0) + 1 });
      rows.push(child);
      branch.push(child);
    }
  }
  return rows.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
}

function answerable(rows: readonly ReplyRow[]): string[] {
  return rows.filter((reply) => (reply.depth ?? 0) < maxSeedDepth - 1).map((reply) => reply.id ?? '');
}

function shapeOf(rows: readonly ReplyRow[]): ThreadShape {
  const topLevel = rows.filter((row) => row.depth === 0).length;
  return {
    topLevel,
    nested: rows.length - topLevel,
    deepest: Math.max(0, ...rows.map((row) => row.depth ?? 0)),
    authors: new Set(rows.map((row) => row.authorId)).size,
  };
}

export async function seedDiscussions(db: Database, options: SeedOptions, now: Date = new Date()): Promise<Seeded> {
  const random = createRandom(options.seed);
  // Everything seeded happened more than a day ago: the posting limits look back one day.
  const end = now.getTime() - 2 * day;
  const start = end - 365 * day;

  const memberRows = Array.from({ length: options.members }, (_, index) => {
    const number = String(index + 1).padStart(5, '0');
    return {
      id: newId(),
      email: `member-${number}@bench.example`,
      handle: `member${number}`,
      name: `${phrase(random, 1).split(' ')[0] ?? 'Quiet'} ${number}`,
      emailVerifiedAt: new Date(start - day),
      guidelinesAcceptedAt: new Date(start - day),
      createdAt: new Date(start - 2 * day),
    };
  });
  await insertInBatches(memberRows, (batch) => db.insert(members).values(batch));
  const authorIds = memberRows.map((member) => member.id);

  // The two measured threads, then the rest of the space, spread over the year.
  const bigThreadId = newId();
  const smallThreadId = newId();
  const threadRows: (typeof threads.$inferInsert)[] = [];
  const opening = (title: string, id: string, at: Date, authorId: string | undefined) => {
    const bodyMarkdown = `${sentence(random)} ${sentence(random)}`;
    return { id, spaceId, authorId, title, bodyMarkdown, bodyHtml: renderMarkdown(bodyMarkdown).html, createdAt: at, lastActivityAt: at, replyCount: 0 };
  };
  threadRows.push(opening('Moth trap results, all season (the long thread)', bigThreadId, new Date(start), authorIds[0]));
  threadRows.push(opening('First frost on the lower meadow', smallThreadId, new Date(end - 30 * day), authorIds[1]));
  for (let index = 2; index < options.threads; index++) {
    const at = new Date(start + (end - start) * random.next());
    const row = opening(`${phrase(random, random.int(2, 5))} near the ${phrase(random, 1)}`, newId(), at, random.pick(authorIds));
    const replyCount = Math.floor(40 * random.next() ** 3);
    threadRows.push({ ...row, replyCount, lastActivityAt: new Date(Math.min(end, at.getTime() + replyCount * 3 * 60 * 60 * 1000)) });
  }

  const topLevel = (total: number) => Math.max(1, Math.round(total * options.topLevelShare));
  const big = replyTree(random, bigThreadId, options.bigReplies, topLevel(options.bigReplies), authorIds, start + day, end);
  const small = replyTree(random, smallThreadId, options.smallReplies, topLevel(options.smallReplies), authorIds, end - 30 * day + 60_000, end);
  for (const [threadId, rows] of [[bigThreadId, big], [smallThreadId, small]] as const) {
    const row = threadRows.find((thread) => thread.id === threadId);
    if (row) {
      row.replyCount = rows.length;
      row.lastActivityAt = rows[rows.length - 1]?.createdAt ?? row.createdAt;
    }
  }
  await insertInBatches(threadRows, (batch) => db.insert(threads).values(batch));

  // A third of replies get a few reactions, as tallies on a page are read per reply.
  const reactionRows: (typeof reactions.$inferInsert)[] = [];
  for (const reply of [...big, ...small]) {
    if (!random.chance(1 / 3)) continue;
    const givers = random.sample(authorIds, random.int(1, 5));
    for (const memberId of givers) reactionRows.push({ replyId: reply.id ?? '', memberId, kind: random.pick(reactionKinds), createdAt: reply.createdAt });
    reply.reactionCount = givers.length;
  }
  await insertInBatches([...big, ...small], (batch) => db.insert(replies).values(batch));
  await insertInBatches(reactionRows, (batch) => db.insert(reactions).values(batch).onConflictDoNothing());

  // Writing a thread or a reply makes the author a follower: the seed leaves what that would have.
  const follows = new Map<string, typeof threadFollows.$inferInsert>();
  const follow = (threadId: string, memberId: string | null | undefined, at: Date) => {
    if (memberId) follows.set(`${threadId} ${memberId}`, { threadId, memberId, createdAt: at });
  };
  for (const thread of threadRows) follow(thread.id ?? '', thread.authorId, thread.createdAt ?? new Date(start));
  for (const reply of [...big, ...small]) follow(reply.threadId, reply.authorId, reply.createdAt ?? new Date(start));
  await insertInBatches([...follows.values()], (batch) => db.insert(threadFollows).values(batch));

  return {
    bigThreadId,
    smallThreadId,
    members: memberRows.map(({ id, email }) => ({ id, email })),
    answerable: { big: answerable(big), small: answerable(small) },
    rows: { members: memberRows.length, threads: threadRows.length, replies: big.length + small.length, reactions: reactionRows.length, follows: follows.size },
    shapes: { big: shapeOf(big), small: shapeOf(small) },
  };
}
