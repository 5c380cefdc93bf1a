/**
 * Times the real discussion pages and reply posting on PGlite and on Postgres in the same
 * run, and prints them side by side: a thread with 10,000 replies against one with 100 of
 * the same shape, a space with 5,000 threads, and 50 members posting at once. Builds the
 * site once, then per engine seeds a fresh database, serves it with `scripts/start.ts`
 * and loads it over loopback HTTP. Run on demand, never as a timed test:
 *
 *   node bench/discussions-benchmark.ts [--requests 1000] [--alone 100] [--concurrency 20] [--warmup 100]
 *                                       [--replies 10000] [--small-replies 100] [--threads 5000] [--members 500]
 *                                       [--posters 50] [--posts-each 4] [--seed 42] [--only pglite|postgres]
 *                                       [--database-url <postgres://…>] [--site <built dir>] [--keep]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freshPgliteLocation, freshPostgresLocation, type BenchLocation } from './bench-locations.ts';
import { busyShare, machineTicks } from './deliver-webhooks.ts';
import { runEngine, type EngineRecord } from './discussions-engine-run.ts';
import { engineNames, formatEngineRatios, formatTable, roundFigures, type Figures, type Row } from './discussions-report.ts';
import { buildSite, type SiteServer } from './site-process.ts';

// The issue's aims, on 2 cores.
const AIM_THREAD_P99_MS = 100;
const AIM_BIG_OVER_SMALL = 1.5;
const root = resolve(import.meta.dirname, '..');

const usage =
  'Usage: node bench/discussions-benchmark.ts [--requests <N>] [--alone <N>] [--concurrency <C>] [--warmup <N>] [--replies <N>] [--small-replies <N>] ' +
  '[--threads <N>] [--members <N>] [--posters <N>] [--posts-each <N>] [--seed <S>] [--only pglite|postgres] [--database-url <url>] [--site <dir>] [--keep]';
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    alone: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '100' },
    replies: { type: 'string', default: '10000' },
    'small-replies': { type: 'string', default: '100' },
    threads: { type: 'string', default: '5000' },
    members: { type: 'string', default: '500' },
    posters: { type: 'string', default: '50' },
    'posts-each': { type: 'string', default: '4' },
    seed: { type: 'string', default: '42' },
    only: { type: 'string' },
    'database-url': { type: 'string' },
    site: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const numbers = {
  requests: Number(values.requests),
  alone: Number(values.alone),
  concurrency: Number(values.concurrency),
  warmup: Number(values.warmup),
  replies: Number(values.replies),
  smallReplies: Number(values['small-replies']),
  threads: Number(values.threads),
  members: Number(values.members),
  posters: Number(values.posters),
  postsEach: Number(values['posts-each']),
  seed: Number(values.seed),
};
if (
  !Object.values(numbers).every(Number.isInteger) || numbers.requests < 10 || numbers.alone < 0 || numbers.concurrency < 1 || numbers.warmup < 0 ||
  numbers.smallReplies < 5 || numbers.replies < numbers.smallReplies || numbers.threads < 2 || numbers.posters < 1 ||
  numbers.members < numbers.posters + 1 || numbers.postsEach < 1 || numbers.postsEach > 5 ||
  (values.only && !['pglite', 'postgres'].includes(values.only))
) {
  console.error(usage);
  console.error('(--members must exceed --posters: one more member reads signed in; --posts-each is at most 5: each poster posts that many to both threads, and members may post 10 per 10 minutes)');
  process.exit(1);
}
const adminUrl = values['database-url'] ?? process.env.TEST_DATABASE_URL?.trim() ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const engines = (values.only ? [values.only] : ['pglite', 'postgres']) as ('pglite' | 'postgres')[];
const progress = (message: string) => console.error(`[bench] ${message}`);

// Inside the project: prerendering imports the built server, whose chunks resolve packages from node_modules.
mkdirSync(join(root, 'bench/.work'), { recursive: true });
const workDir = mkdtempSync(join(root, 'bench/.work/discussions-'));
let server: SiteServer | undefined;
const locations: BenchLocation[] = [];
const cleanUp = async () => {
  await server?.stop().catch(() => {});
  await Promise.allSettled(locations.map((location) => location.drop()));
  if (!values.keep) rmSync(workDir, { recursive: true, force: true });
};
process.once('SIGINT', () => {
  progress('interrupted: stopping the server, dropping the benchmark databases');
  void cleanUp().finally(() => process.exit(130));
});

// Anything else running shows up in the figures: measure how busy the machine is before starting.
const ticksBefore = machineTicks();
await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
const busyBefore = busyShare(ticksBefore, machineTicks());
if (busyBefore !== null && busyBefore > 0.1) progress(`warning: the machine was ${(busyBefore * 100).toFixed(0)} % busy before the benchmark started; expect low figures`);

const rows: Row[] = [];
const records: EngineRecord[] = [];
const warnings: string[] = [];
const siteDir = values.site ? resolve(values.site) : join(workDir, 'site');

try {
  if (!values.site) {
    progress(`building the site into ${relative(root, siteDir)}…`);
    buildSite(siteDir, join(workDir, 'cache'), join(workDir, 'build.log'));
  }
  for (const engine of engines) {
    const location = engine === 'pglite' ? freshPgliteLocation() : await freshPostgresLocation(adminUrl);
    locations.push(location);

    const run = await runEngine({ location, siteDir, workDir, options: numbers, progress, onServer: (started) => (server = started) });
    rows.push(...run.rows);
    records.push(run.record);
    warnings.push(...run.warnings);
    for (const row of rows.filter((r) => r.engine === engine)) {
      for (const [status, n] of Object.entries(row.figures.unexpected)) warnings.push(`${engine}: ${row.name}: ${n} answers ${status}`);
    }
  }
} catch (error) {
  // One clear line, not a stack: the message says what to do.
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  progress(`failed: ${error instanceof Error ? error.message : String(error)}${cause}`);
  if (server) progress(`server output:\n${server.output().split('\n').slice(-20).join('\n')}`);
  await cleanUp();
  process.exit(1);
}
await cleanUp();

const find = (engine: string, name: string, concurrency: number): Figures | undefined => rows.find((r) => r.engine === engine && r.name === name && r.concurrency === concurrency)?.figures;
const bigName = `thread, ${numbers.replies} replies`;
const smallName = `thread, ${numbers.smallReplies} replies`;
const threadNames = rows.filter((r) => r.name.startsWith('thread')).map((r) => r.name).filter((name, i, all) => all.indexOf(name) === i);
const aims = Object.fromEntries(
  engines.map((engine) => {
    const big = find(engine, bigName, numbers.concurrency);
    const small = find(engine, smallName, numbers.concurrency);
    const threadP99 = Object.fromEntries(threadNames.map((name) => [name, find(engine, name, numbers.concurrency)?.p99 ?? null]));
    return [
      engine,
      {
        threadP99Ms: threadP99,
        threadP99Under100ms: Object.values(threadP99).every((p99) => p99 !== null && p99 < AIM_THREAD_P99_MS),
        bigOverSmall: big && small ? { p50: big.p50 / small.p50, p99: big.p99 / small.p99, perSecond: small.perSecond / big.perSecond } : null,
        bigAtMost1_5xSmall: Boolean(big && small && big.p50 / small.p50 <= AIM_BIG_OVER_SMALL && big.p99 / small.p99 <= AIM_BIG_OVER_SMALL),
      },
    ];
  }),
);
const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
const yes = (value: boolean) => (value ? 'yes' : 'NO');
const first = records[0];

console.log(
  `\nCoterie discussions benchmark: a thread of ${numbers.replies} replies (${first ? `${first.seeded.shapes.big.topLevel} top-level, deepest at depth ${first.seeded.shapes.big.deepest}, ${first.seeded.shapes.big.authors} authors` : ''}) ` +
    `against one of ${numbers.smallReplies} (${first ? `${first.seeded.shapes.small.topLevel} top-level` : ''}); a space of ${numbers.threads} threads; ${numbers.members} members; ` +
    `${numbers.requests} requests per page at ${numbers.concurrency} in flight and ${numbers.alone} one at a time, after ${numbers.warmup} warm-up; ` +
    `${numbers.posters} members posting ${numbers.postsEach} replies each at once, to each thread; seed ${numbers.seed}; ` +
    `${availableParallelism()} CPUs (${cpuModel}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.versions.node}, ` +
    `machine ${busyBefore === null ? 'n/a' : `${(busyBefore * 100).toFixed(0)} %`} busy before start\n`,
);
console.log(formatTable(rows));
if (first) {
  console.log(`\nWhat each page shows: ${first.checks.map((c) => `${c.name}: ${c.replies ? `${c.replies} replies` : c.threads ? `${c.threads} threads` : 'static'}, ${(c.bytes / 1024).toFixed(0)} KiB`).join('; ')}`);
}
if (engines.length === 2) {
  console.log('\nPostgres / PGlite:');
  for (const line of formatEngineRatios(rows)) console.log(line);
}
console.log(`\nAims (thread pages p99 < ${AIM_THREAD_P99_MS} ms at ${numbers.concurrency} in flight; the ${numbers.replies}-reply thread ≤ ${AIM_BIG_OVER_SMALL}× the ${numbers.smallReplies}-reply one):`);
for (const engine of engines) {
  const aim = aims[engine];
  const ratios = aim?.bigOverSmall;
  const alone = [find(engine, bigName, 1), find(engine, smallName, 1)];
  console.log(
    `  ${engineNames[engine].padEnd(9)} p99 < ${AIM_THREAD_P99_MS} ms: ${yes(Boolean(aim?.threadP99Under100ms)).padEnd(3)} ` +
      `(${Object.entries(aim?.threadP99Ms ?? {}).map(([name, p99]) => `${name} ${p99 === null ? 'n/a' : p99.toFixed(0)}`).join(', ')})  ` +
      `big ÷ small: p50 ${ratios ? ratios.p50.toFixed(2) : 'n/a'}×, p99 ${ratios ? ratios.p99.toFixed(2) : 'n/a'}×` +
      (alone[0] && alone[1] ? `, one at a time p50 ${(alone[0].p50 / alone[1].p50).toFixed(2)}×` : '') +
      ` → ≤ ${AIM_BIG_OVER_SMALL}×: ${yes(Boolean(aim?.bigAtMost1_5xSmall))}`,
  );
}
console.log('\nPosting (every reply notifies the thread\'s followers, one by one):');
for (const record of records) {
  for (const pass of record.posting) {
    console.log(
      `  ${engineNames[record.engine].padEnd(9)} ${pass.name}: ${pass.posts} replies stored (${pass.stored} counted afterwards), ` +
        `${pass.notificationsPerPost.toFixed(0)} notifications per reply, ${pass.followersAfter} followers at the end`,
    );
  }
  console.log(`  ${engineNames[record.engine].padEnd(9)} seeding took ${record.seedSeconds.toFixed(0)} s`);
}
for (const warning of warnings) progress(`warning: ${warning}`);
console.log(
  `\n${JSON.stringify({
    benchmark: 'discussions',
    at: new Date().toISOString(),
    options: numbers,
    machine: { cpus: availableParallelism(), cpu: cpuModel, memGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, busyBefore },
    records,
    rows: rows.map((row) => ({ ...row, figures: roundFigures(row.figures) })),
    aims,
    warnings,
  })}`,
);
if (values.keep) progress(`kept ${relative(root, workDir)}`);
process.exit(warnings.length > 0 ? 1 : 0);
