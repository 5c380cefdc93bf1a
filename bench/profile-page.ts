/**
 * Where one discussion page's time goes: seeds a fresh database as the discussions
 * benchmark does, serves it with `node --cpu-prof`, loads one page at 20 in flight, and
 * charges the server's CPU during the timed pass to its parts (date formatting, PGlite,
 * the Postgres driver, drizzle, Astro, our code…), per request. Profiling slows the
 * server: read the shares, not the speed. Run on demand:
 *
 *   node bench/profile-page.ts [--engine pglite|postgres] [--page thread|thread-50|small|signed-in|space|space-200]
 *                              [--requests 1000] [--concurrency 20] [--replies 10000] [--threads 5000] [--members 500]
 *                              [--seed 42] [--preload <file.mjs>] [--database-url <postgres://…>] [--site <built dir>] [--keep]
 *
 * `--preload` loads a module into the server first (`node --import`), to measure a what-if
 * without changing the code.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { freshPgliteLocation, freshPostgresLocation, type BenchLocation } from './bench-locations.ts';
import { summarizeProfile } from './cpu-profile-summary.ts';
import { seedDiscussions, type Seeded } from './discussion-seed.ts';
import { figuresOf } from './discussions-report.ts';
import { loadPass, signInOverHttp } from './site-load.ts';
import { buildSite, startSite, type SiteServer } from './site-process.ts';

const root = resolve(import.meta.dirname, '..');
const pageNames = ['thread', 'thread-50', 'small', 'signed-in', 'space', 'space-200'] as const;
const usage =
  'Usage: node bench/profile-page.ts [--engine pglite|postgres] [--page ' + pageNames.join('|') + '] [--requests <N>] [--concurrency <C>] ' +
  '[--replies <N>] [--threads <N>] [--members <N>] [--seed <S>] [--preload <file.mjs>] [--database-url <url>] [--site <dir>] [--keep]';
const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'pglite' },
    page: { type: 'string', default: 'thread' },
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '20' },
    replies: { type: 'string', default: '10000' },
    threads: { type: 'string', default: '5000' },
    members: { type: 'string', default: '500' },
    seed: { type: 'string', default: '42' },
    preload: { type: 'string' },
    'database-url': { type: 'string' },
    site: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const [requests, concurrency, replies, threads, members, seed] = [values.requests, values.concurrency, values.replies, values.threads, values.members, values.seed].map(Number) as [number, number, number, number, number, number];
const page = pageNames.find((name) => name === values.page);
if (values.help || !page || !['pglite', 'postgres'].includes(values.engine) || ![requests, concurrency, replies, threads, members, seed].every(Number.isInteger) || requests < 10 || members < 2 || replies < 100) {
  console.error(usage);
  process.exit(values.help ? 0 : 1);
}
const adminUrl = values['database-url'] ?? process.env.TEST_DATABASE_URL?.trim() ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const progress = (message: string) => console.error(`[profile] ${message}`);

mkdirSync(join(root, 'bench/.work'), { recursive: true });
const workDir = mkdtempSync(join(root, 'bench/.work/profile-'));
const profileDir = join(workDir, 'cpu');
let location: BenchLocation | undefined;
let server: SiteServer | undefined;
const cleanUp = async () => {
  await server?.stop().catch(() => {});
  await location?.drop();
  if (!values.keep) rmSync(workDir, { recursive: true, force: true });
};

try {
  const siteDir = values.site ? resolve(values.site) : join(workDir, 'site');
  if (!values.site) {
    progress('building the site…');
    buildSite(siteDir, join(workDir, 'cache'), join(workDir, 'build.log'));
  }
  location = values.engine === 'pglite' ? freshPgliteLocation() : await freshPostgresLocation(adminUrl);
  const handle = await location.open();
  let seeded: Seeded;
  try {
    seeded = await seedDiscussions(handle.db, { threads, bigReplies: replies, smallReplies: 100, topLevelShare: 0.2, members, seed });
    // As the benchmark does: what autovacuum would soon do on Postgres; PGlite has none.
    if (location.engine === 'postgres') await handle.db.execute(sql`vacuum analyze`);
  } finally {
    await handle.close();
  }
  const paths: Record<(typeof pageNames)[number], string> = {
    thread: `/t/${seeded.bigThreadId}`,
    'thread-50': `/t/${seeded.bigThreadId}?page=50`,
    small: `/t/${seeded.smallThreadId}`,
    'signed-in': `/t/${seeded.bigThreadId}`,
    space: '/community/field-notes',
    'space-200': '/community/field-notes?page=200',
  };
  const preload = values.preload ? ` --import ${resolve(values.preload)}` : '';
  const outboxDir = join(workDir, 'outbox');
  server = await startSite(siteDir, {
    ...location.serverEnv,
    COTERIE_OUTBOX_DIR: outboxDir,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir}${preload}`.trim(),
  });
  const cookie = page === 'signed-in' ? await signInOverHttp(server.url, outboxDir, seeded.members[0]?.email ?? '', '127.0.0.2') : '';
  const url = new URL(paths[page], server.url).href;
  progress(`${values.engine}: warming up, then ${requests} requests of ${paths[page]} at ${concurrency} in flight`);
  await loadPass(url, 100, concurrency, { server: server.pid, database: [] }, cookie);
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const pass = await loadPass(url, requests, concurrency, { server: server.pid, database: [] }, cookie);
  const toUs = Number(process.hrtime.bigint() / 1000n);
  await server.stop();
  server = undefined;

  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`The server wrote no CPU profile into ${relative(root, profileDir)}`);
  const summary = summarizeProfile(join(profileDir, file), { fromUs, toUs });
  const figures = figuresOf(pass, 200);
  const perRequest = (ms: number) => (ms / requests).toFixed(2);
  console.log(
    `\n${values.engine} ${paths[page].replace(/\/t\/\w+/, '/t/<thread>')} (${page})${values.preload ? ` with ${values.preload}` : ''}: ` +
      `${figures.perSecond.toFixed(1)} req/s, p50 ${figures.p50.toFixed(0)} ms, p99 ${figures.p99.toFixed(0)} ms under the profiler; ` +
      `server CPU ${perRequest(summary.sampledMs)} ms per request\n`,
  );
  for (const part of summary.parts) console.log(`  ${(part.share * 100).toFixed(1).padStart(5)} %  ${perRequest(part.ms).padStart(6)} ms/request  ${part.part}`);
  console.log('\n  top functions (self time):');
  for (const fn of summary.functions) console.log(`  ${(fn.share * 100).toFixed(1).padStart(5)} %  ${fn.part}`);
  if (values.keep) progress(`kept ${relative(root, workDir)} (the profile opens in Chrome DevTools' Performance panel)`);
} catch (error) {
  progress(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await cleanUp();
  process.exit(1);
}
await cleanUp();
