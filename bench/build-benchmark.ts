/**
 * Times `astro build` + Pagefind for Coterie against the floor — a plain Astro MDX site
 * built from the same generated posts — in the same run, and prints them side by side.
 * Run on demand, never as a timed test:
 *
 *   node bench/build-benchmark.ts [--count 1000] [--runs 1] [--seed 42] [--only plain|coterie] [--keep]
 *                                 [--content-from <dir>]   (settings and pages to build with; default the demo, tests/fixtures/hedgerow)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCoterie, buildPlain, PROJECT_ROOT, type BuildResult, type Target } from './build-targets.ts';
import { formatTable, jsonRecord, ratio, summarize } from './format-report.ts';
import { generatePosts } from './generate-posts.ts';

// The aims: at most 1.3× the plain build, 1,000 posts under 60 s on 2 cores.
const AIM_RATIO = 1.3;
const AIM_SECONDS_PER_1000 = 60;

const usage =
  'Usage: node bench/build-benchmark.ts [--count <N>] [--runs <R>] [--seed <S>] [--only plain|coterie] [--keep] [--content-from <dir>]';
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'content-from': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const seed = Number(values.seed);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (![count, runs, seed].every(Number.isInteger) || count < 1 || runs < 1 || (values.only && !['plain', 'coterie'].includes(values.only))) {
  console.error(usage);
  process.exit(1);
}
const targets: Target[] = values.only ? [values.only as Target] : ['plain', 'coterie'];
const version = (pkg: string): string =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const progress = (message: string) => console.error(`[bench] ${message}`);

// Inside the project, not the OS temp dir: Astro prerenders by importing the built server,
// whose chunks must resolve their packages from the project's node_modules.
const workRoot = join(PROJECT_ROOT, 'bench', '.work');
mkdirSync(workRoot, { recursive: true });
const tmp = mkdtempSync(join(workRoot, 'run-'));
progress(`generating ${count} posts (seed ${seed}) in ${tmp}`);
const contentFrom = values['content-from'] ? resolve(values['content-from']) : undefined;
const generated = generatePosts({ count, seed, dir: join(tmp, 'content'), contentFrom });
const missing = ['site.yaml', 'tiers.yaml'].filter((file) => !existsSync(join(generated.dir, file)));
if (missing.length > 0 && targets.includes('coterie')) {
  progress(`warning: ${missing.join(' and ')} missing from ${contentFrom ?? 'tests/fixtures/hedgerow/'}; the Coterie build will fail (try --content-from)`);
}

const results: BuildResult[] = [];
for (let run = 1; run <= runs; run++) {
  // Alternate the order so neither build always runs on a warmer page cache.
  const order = run % 2 === 1 ? targets : [...targets].reverse();
  for (const target of order) {
    progress(`run ${run}/${runs}: building ${target}…`);
    const result = await (target === 'plain' ? buildPlain : buildCoterie)({ tmp, generated }, run);
    results.push(result);
    const outcome = result.exitCode === 0 ? `${result.wallSeconds.toFixed(1)} s` : `FAILED (exit ${result.exitCode}), log: ${result.logFile}`;
    progress(`run ${run}/${runs}: ${target} ${outcome}`);
    for (const warning of result.warnings) progress(`warning: ${warning}`);
  }
}

const summaries = targets.map((t) => summarize(results, t, count)).filter((s) => s !== null);
const plain = summaries.find((s) => s.target === 'plain');
const coterie = summaries.find((s) => s.target === 'coterie');
const ratios = {
  time: ratio(coterie?.wallSeconds, plain?.wallSeconds),
  peak: ratio(coterie?.peakMiB, plain?.peakMiB),
  treePeak: ratio(coterie?.treePeakMiB, plain?.treePeakMiB),
};
const aims = {
  timeRatioAtMost1_3: ratios.time === null ? null : ratios.time <= AIM_RATIO,
  // Scaled to N so a 10,000-post run is judged at the same pace (600 s).
  underSecondsPer1000Posts: coterie ? coterie.wallSeconds <= (AIM_SECONDS_PER_1000 * count) / 1000 : null,
  completed: targets.includes('coterie') ? results.every((r) => r.target !== 'coterie' || r.exitCode === 0) : null,
};
const failed = results.some((r) => r.exitCode !== 0);
const x = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)}×`);
const yes = (value: boolean | null) => (value === null ? 'n/a' : value ? 'yes' : 'NO');
const { public: open, members, paid, naturalist } = generated.access;

console.log(
  `\nCoterie build benchmark: ${count} posts (${open} public, ${members} members, ${paid} paid, ${naturalist} [naturalist]), ` +
    `seed ${seed}, ${runs} run(s), ${availableParallelism()} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.versions.node}\n`,
);
console.log(formatTable(results, summaries, count));
console.log(`\nCoterie / plain: time ${x(ratios.time)}, peak ${x(ratios.peak)}, tree peak ${x(ratios.treePeak)}`);
console.log(
  `Aims: time ≤ ${AIM_RATIO}× plain: ${yes(aims.timeRatioAtMost1_3)}; ` +
    `under ${AIM_SECONDS_PER_1000} s per 1,000 posts: ${yes(aims.underSecondsPer1000Posts)}; Coterie completed: ${yes(aims.completed)}\n`,
);
console.log(
  jsonRecord(
    {
      benchmark: 'build',
      at: new Date().toISOString(),
      count,
      seed,
      runs,
      access: generated.access,
      words: generated.words,
      machine: { cpus: availableParallelism(), memGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node },
      versions: { astro: version('astro'), mdx: version('@astrojs/mdx'), pagefind: version('pagefind') },
      ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, v === null ? null : Number(v.toFixed(3))])),
      aims,
    },
    results,
    summaries,
  ),
);

// A failed build's logs are the evidence: keep them.
if (values.keep || failed) progress(`kept ${tmp}${failed ? ' (a build failed; its log is there)' : ''}`);
else {
  rmSync(tmp, { recursive: true, force: true });
  // Another run may still be using the folder; only an empty one goes.
  try {
    rmdirSync(workRoot);
  } catch {}
}
process.exit(failed ? 1 : 0);
