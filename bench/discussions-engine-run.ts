/**
 * One engine's part of the discussions benchmark: seed a fresh database, serve the built
 * site on it, sign members in, time the pages, time posting, then read the end state
 * back. The caller owns the location (and drops it) and the server (stopped on failure).
 */
import { join } from 'node:path';
import { count, eq, sql } from 'drizzle-orm';
import { notifications, replies, threadFollows } from '../db/schema.ts';
import type { BenchLocation } from './bench-locations.ts';
import { seedDiscussions, type Seeded } from './discussion-seed.ts';
import { figuresOf, type Row } from './discussions-report.ts';
import { createRandom } from './seeded-random.ts';
import { getPage, inParallel, loadPass, postPass, signInOverHttp, type Post } from './site-load.ts';
import { startSite, type SiteServer } from './site-process.ts';
import { sentence } from './synthetic-markdown.ts';

const TOP_LEVEL_SHARE = 0.2;

export type RunOptions = {
  requests: number;
  alone: number;
  concurrency: number;
  warmup: number;
  replies: number;
  smallReplies: number;
  threads: number;
  members: number;
  posters: number;
  postsEach: number;
  seed: number;
};

export type PageCheck = { name: string; replies: number; threads: number; bytes: number };
export type PostingRecord = { name: string; posts: number; stored: number; notificationsPerPost: number; followersAfter: number };
export type EngineRecord = {
  engine: 'pglite' | 'postgres';
  seeded: Omit<Seeded, 'members' | 'answerable'>;
  seedSeconds: number;
  checks: PageCheck[];
  posting: PostingRecord[];
};

export async function runEngine(input: {
  location: BenchLocation;
  siteDir: string;
  workDir: string;
  options: RunOptions;
  progress: (message: string) => void;
  /** Told of the server when it starts and when it stops, so an interrupted run can stop it. */
  onServer: (server: SiteServer | undefined) => void;
}): Promise<{ rows: Row[]; record: EngineRecord; warnings: string[] }> {
  const { location, siteDir, workDir, options: numbers, progress } = input;
  const engine = location.engine;
  const rows: Row[] = [];
  const warnings: string[] = [];

  progress(`${engine}: seeding ${numbers.threads} threads, ${numbers.replies} + ${numbers.smallReplies} replies, ${numbers.members} members…`);
  const seedStarted = performance.now();
  const handle = await location.open();
  let seeded: Seeded;
  try {
    seeded = await seedDiscussions(handle.db, {
      threads: numbers.threads,
      bigReplies: numbers.replies,
      smallReplies: numbers.smallReplies,
      topLevelShare: TOP_LEVEL_SHARE,
      members: numbers.members,
      seed: numbers.seed,
    });
    // Autovacuum would vacuum and analyze the new rows within a minute, mid-run; do it now so the
    // plans hold still. PGlite has no autovacuum: left as a PGlite site would have it.
    if (engine === 'postgres') await handle.db.execute(sql`vacuum analyze`);
  } finally {
    // PGlite allows one process per folder: ours must close before the server opens it.
    await handle.close();
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  progress(`${engine}: seeded in ${seedSeconds.toFixed(1)} s (${JSON.stringify(seeded.rows)}); starting the server`);

  const outboxDir = join(workDir, `outbox-${engine}`);
  const site = await startSite(siteDir, { ...location.serverEnv, COTERIE_OUTBOX_DIR: outboxDir });
  input.onServer(site);

  // The posters and one reader, signed in over HTTP through the outbox, a few at a time.
  const signingIn = seeded.members.slice(0, numbers.posters + 1);
  const cookies = new Array<string>(signingIn.length).fill('');
  await inParallel(signingIn.length, 5, async (index) => {
    // 25 sign-in emails per address, under the site's 30 per network an hour.
    const localAddress = `127.0.${Math.floor(index / 25 / 250)}.${2 + (Math.floor(index / 25) % 250)}`;
    cookies[index] = await signInOverHttp(site.url, outboxDir, signingIn[index]?.email ?? '', localAddress);
  });
  const readerCookie = cookies[numbers.posters] ?? '';
  progress(`${engine}: ${signingIn.length} members signed in`);

  // Deep pages pay for OFFSET: the middle of the big thread (50 of 100 pages by default), 4/5 into the space (200 of 251).
  const threadPage = Math.max(1, Math.floor((seeded.shapes.big.topLevel / 20) / 2));
  const spacePage = Math.max(1, Math.floor(numbers.threads / 25));
  const pages = [
    { name: `thread, ${numbers.replies} replies`, path: `/t/${seeded.bigThreadId}`, cookie: '', thread: true },
    { name: `thread, ${numbers.replies}, page ${threadPage}`, path: `/t/${seeded.bigThreadId}?page=${threadPage}`, cookie: '', thread: true },
    { name: `thread, ${numbers.smallReplies} replies`, path: `/t/${seeded.smallThreadId}`, cookie: '', thread: true },
    { name: `thread, ${numbers.replies}, signed in`, path: `/t/${seeded.bigThreadId}`, cookie: readerCookie, thread: true },
    { name: `space, ${numbers.threads} threads`, path: '/community/field-notes', cookie: '', thread: false },
    { name: `space, page ${spacePage}`, path: `/community/field-notes?page=${spacePage}`, cookie: '', thread: false },
    // The floor: a prerendered page through the same server, headers and all, with no database and no rendering.
    { name: 'static home page (floor)', path: '/', cookie: '', thread: false },
  ];

  // What each page shows, checked once before timing: a page that renders nothing would time well.
  const checks: PageCheck[] = [];
  for (const page of pages) {
    const { status, body } = await getPage(new URL(page.path, site.url).href, page.cookie);
    const check = { name: page.name, replies: body.split('<li class="reply"').length - 1, threads: body.match(/<li class="thread-row[ "]/g)?.length ?? 0, bytes: body.length };
    checks.push(check);
    const empty = page.path === '/' ? check.bytes === 0 : (page.thread ? check.replies : check.threads) === 0;
    if (status !== 200 || empty) throw new Error(`${page.path} answered ${status} with ${check.replies} replies and ${check.threads} threads on ${engine}`);
  }
  progress(`${engine}: pages show ${checks.map((c) => `${c.name}: ${c.replies ? `${c.replies} replies` : c.threads ? `${c.threads} threads` : 'a static page'}, ${(c.bytes / 1024).toFixed(0)} KiB`).join('; ')}`);

  for (const page of pages) {
    const url = new URL(page.path, site.url).href;
    await loadPass(url, numbers.warmup, numbers.concurrency, { server: site.pid, database: [] }, page.cookie);
    // After the warm-up, the server's connection pool is open: its backends are the database's CPU.
    const watched = { server: site.pid, database: await location.backendPids() };
    if (numbers.alone > 0) {
      const alone = await loadPass(url, numbers.alone, 1, watched, page.cookie);
      rows.push({ engine, name: page.name, concurrency: 1, figures: figuresOf(alone, 200) });
    }
    const loaded = await loadPass(url, numbers.requests, numbers.concurrency, watched, page.cookie);
    const figures = figuresOf(loaded, 200);
    rows.push({ engine, name: page.name, concurrency: numbers.concurrency, figures });
    progress(`${engine}: ${page.name}: ${figures.perSecond.toFixed(1)} req/s, p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms`);
  }

  // Posting: each poster writes `posts-each` replies to the big thread, then as many to the small
  // one, half answering the thread, half answering someone. The two differ in followers to notify.
  const random = createRandom(numbers.seed + 1);
  const makePost = (member: number, index: number, answerable: readonly string[]): Post => ({
    cookie: cookies[member] ?? '',
    body: `${sentence(random)} (reply ${index + 1} from poster ${member + 1}, ${engine})`,
    parent: random.chance(0.5) ? '' : random.pick(answerable),
  });
  const targets = [
    { threadId: seeded.bigThreadId, name: `post a reply, ${numbers.replies}-reply thread`, answerable: seeded.answerable.big, warmUp: 3 },
    { threadId: seeded.smallThreadId, name: `post a reply, ${numbers.smallReplies}-reply thread`, answerable: seeded.answerable.small, warmUp: 0 },
  ];
  const passes: { threadId: string; name: string; made: number }[] = [];
  for (const target of targets) {
    const path = `/t/${target.threadId}`;
    // Untimed warm-up by the reader, so the first poster does not pay for compiling the write path alone.
    const warmUp = await postPass(site.url, path, [Array.from({ length: target.warmUp }, (_, index) => makePost(numbers.posters, index, target.answerable))], { server: site.pid, database: [] });
    const posts = Array.from({ length: numbers.posters }, (_, member) => Array.from({ length: numbers.postsEach }, (_, index) => makePost(member, index, target.answerable)));
    const posting = await postPass(site.url, path, posts, { server: site.pid, database: await location.backendPids() });
    const figures = figuresOf(posting, 303);
    rows.push({ engine, name: target.name, concurrency: numbers.posters, figures });
    passes.push({ threadId: target.threadId, name: target.name, made: (posting.statuses['303'] ?? 0) + (warmUp.statuses['303'] ?? 0) });
    progress(`${engine}: ${target.name}: ${figures.perSecond.toFixed(1)} posts/s, p50 ${figures.p50.toFixed(0)} ms, p99 ${figures.p99.toFixed(0)} ms`);
  }

  await site.stop();
  input.onServer(undefined);
  if (/error/i.test(site.output())) warnings.push(`${engine}: the server logged an error; rerun with --keep and read its output`);

  // End state, read with our own handle once the server has let go of the database.
  const after = await location.open();
  const posting: PostingRecord[] = [];
  try {
    for (const [index, pass] of passes.entries()) {
      const seededReplies = index === 0 ? numbers.replies : numbers.smallReplies;
      const [stored] = await after.db.select({ n: count() }).from(replies).where(eq(replies.threadId, pass.threadId));
      const [notified] = await after.db.select({ n: count() }).from(notifications).where(eq(notifications.threadId, pass.threadId));
      const [followed] = await after.db.select({ n: count() }).from(threadFollows).where(eq(threadFollows.threadId, pass.threadId));
      const storedNew = Number(stored?.n ?? 0) - seededReplies;
      if (storedNew !== pass.made) warnings.push(`${engine}: ${pass.name}: ${storedNew} new replies stored for ${pass.made} answered 303`);
      posting.push({ name: pass.name, posts: pass.made, stored: storedNew, notificationsPerPost: Number(notified?.n ?? 0) / Math.max(1, pass.made), followersAfter: Number(followed?.n ?? 0) });
    }
  } finally {
    await after.close();
  }
  const record: EngineRecord = {
    engine,
    seeded: { bigThreadId: seeded.bigThreadId, smallThreadId: seeded.smallThreadId, rows: seeded.rows, shapes: seeded.shapes },
    seedSeconds,
    checks,
    posting,
  };

  for (const row of rows) {
    for (const [status, n] of Object.entries(row.figures.unexpected)) warnings.push(`${engine}: ${row.name}: ${n} answers ${status}`);
  }
  return { rows, record, warnings };
}
