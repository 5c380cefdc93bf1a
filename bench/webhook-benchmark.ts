/**
 * Times Stripe webhook processing on PGlite and on Postgres in the same run, and prints
 * them side by side: events/s one at a time and `--concurrency` at a time, latency per
 * delivery, what duplicates cost, and how much of it is the Stripe fake's HTTP round-trip.
 * Run on demand, never as a timed test:
 *
 *   node bench/webhook-benchmark.ts [--events 1000] [--runs 3] [--seed 42] [--duplicates 0.2]
 *                                   [--concurrency 4] [--only pglite|postgres] [--database-url <postgres://…>]
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { billingHarness } from '../tests/support/billing-harness.ts';
import { freshPglite, freshPostgres, type BenchDatabase } from './bench-databases.ts';
import { busyShare, deliverPass, machineTicks, retrieveBaseline } from './deliver-webhooks.ts';
import { figuresOf, formatTable, modeName, roundFigures, summarize, type Result } from './webhook-report.ts';
import { deliveryOrder, generateStorm, subscriptionsFor, type Delivery, type Harness, type Storm } from './webhook-storm.ts';

// The issue's aims, on 2 cores.
const AIM_P99_MS = 50;
const AIM_EVENTS_PER_SECOND = 300;
const BASELINE_CALLS = 500;
const WARM_UP_DELIVERIES = 200;

const usage =
  'Usage: node bench/webhook-benchmark.ts [--events <N>] [--runs <R>] [--seed <S>] [--duplicates <share>] [--concurrency <C>] [--only pglite|postgres] [--database-url <url>]';
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '42' },
    duplicates: { type: 'string', default: '0.2' },
    concurrency: { type: 'string', default: '4' },
    only: { type: 'string' },
    'database-url': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [events, runs, seed, concurrency] = [values.events, values.runs, values.seed, values.concurrency].map(Number) as [number, number, number, number];
const duplicates = Number(values.duplicates);
if (
  ![events, runs, seed, concurrency].every(Number.isInteger) || events < 10 || runs < 1 || concurrency < 2 ||
  !(duplicates >= 0 && duplicates <= 1) || (values.only && !['pglite', 'postgres'].includes(values.only))
) {
  console.error(usage);
  process.exit(1);
}
const adminUrl = values['database-url'] ?? process.env.TEST_DATABASE_URL?.trim() ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const engines = values.only ? [values.only] : ['pglite', 'postgres'];
const progress = (message: string) => console.error(`[bench] ${message}`);

type Setup = { database: BenchDatabase; harness: Harness; storm: Storm; order: Delivery[] };
const setups: Setup[] = [];
const opened: BenchDatabase[] = [];
const cleanUp = async () => {
  await Promise.allSettled(setups.map((setup) => setup.harness.close()));
  await Promise.allSettled(opened.map((database) => database.drop()));
};
process.once('SIGINT', () => {
  progress('interrupted: dropping the benchmark databases');
  void cleanUp().finally(() => process.exit(130));
});

// Anything else running shows up in the figures: measure how busy the machine is before starting.
const ticksBefore = machineTicks();
await new Promise((resolve) => setTimeout(resolve, 1000));
const busyBefore = busyShare(ticksBefore, machineTicks());
if (busyBefore !== null && busyBefore > 0.1) progress(`warning: the machine was ${(busyBefore * 100).toFixed(0)} % busy before the benchmark started; expect low figures`);

const results: Result[] = [];
try {
  const subscriptions = subscriptionsFor(events);
  for (const engine of engines) {
    const database = engine === 'pglite' ? await freshPglite() : await freshPostgres(adminUrl);
    opened.push(database);
    const harness = await billingHarness(database.handle.db);
    progress(`${engine}: ${subscriptions} members join, renew, cancel or fail; two months pass on the fake's clock…`);
    const storm = await generateStorm(harness, database.handle.db, subscriptions);
    const order = deliveryOrder(storm.events, duplicates, seed);
    setups.push({ database, harness, storm, order });
    progress(`${engine}: ${storm.events.length} events, ${order.length} deliveries; warming up`);
    await deliverPass(harness, database.handle.db, order.slice(0, WARM_UP_DELIVERIES), concurrency);
    await retrieveBaseline(harness.stripe, storm.subscriptionIds, WARM_UP_DELIVERIES, concurrency);
  }

  for (let run = 1; run <= runs; run++) {
    // Alternate engines and modes so neither always goes first, on a warmer machine.
    const engineOrder = run % 2 === 1 ? setups : [...setups].reverse();
    const modes = run % 2 === 1 ? [1, concurrency] : [concurrency, 1];
    for (const { database, harness, storm, order } of engineOrder) {
      for (const mode of modes) {
        const baseline = await retrieveBaseline(harness.stripe, storm.subscriptionIds, BASELINE_CALLS, mode);
        const pass = await deliverPass(harness, database.handle.db, order, mode);
        const figures = figuresOf(pass, baseline);
        results.push({ run, engine: database.engine, concurrency: mode, figures, outcomes: pass.outcomes, warnings: pass.warnings });
        progress(`run ${run}/${runs}: ${database.engine} ${modeName(mode)}: ${figures.eventsPerSecond.toFixed(0)} events/s, p99 ${figures.p99.toFixed(1)} ms`);
        for (const warning of pass.warnings) progress(`warning: ${database.engine} ${modeName(mode)}: ${warning}`);
      }
    }
  }
} catch (error) {
  // One clear line, not a stack: the message says what to do.
  progress(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await cleanUp();
  process.exit(1);
} finally {
  await cleanUp();
}

const summaries = summarize(results);
const find = (engine: string, mode: number) => summaries.find((s) => s.engine === engine && s.concurrency === mode)?.figures;
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? null : a / b);
const modes = [1, concurrency];
const ratios = Object.fromEntries(
  modes.map((mode) => {
    const [pg, lite] = [find('postgres', mode), find('pglite', mode)];
    return [modeName(mode), { eventsPerSecond: ratio(pg?.eventsPerSecond, lite?.eventsPerSecond), p50: ratio(pg?.p50, lite?.p50), p99: ratio(pg?.p99, lite?.p99) }];
  }),
);
const aims = Object.fromEntries(
  summaries.map((s) => [`${s.engine} ${modeName(s.concurrency)}`, { p99Under50ms: s.figures.p99 < AIM_P99_MS, atLeast300EventsPerSecond: s.figures.eventsPerSecond >= AIM_EVENTS_PER_SECOND }]),
);
const [first] = setups;
const x = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)}×`);
const yes = (value: boolean) => (value ? 'yes' : 'NO');
const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';

console.log(
  `\nCoterie webhook benchmark: ${first?.storm.events.length ?? 0} events from ${first?.storm.subscriptionIds.length ?? 0} subscriptions ` +
    `(${first ? Object.entries(first.storm.scripts).map(([script, n]) => `${n} ${script}`).join(', ') : ''}), ` +
    `${first?.order.length ?? 0} deliveries (${(duplicates * 100).toFixed(0)} % duplicates, seed ${seed}), ${runs} run(s), ` +
    `${availableParallelism()} CPUs (${cpuModel}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.versions.node}, ` +
    `machine ${busyBefore === null ? 'n/a' : `${(busyBefore * 100).toFixed(0)} %`} busy before start\n`,
);
console.log(formatTable(results, summaries));
if (engines.length === 2) {
  console.log(
    `\nPostgres / PGlite: ${modes.map((mode) => `${modeName(mode)}: events/s ${x(ratios[modeName(mode)]?.eventsPerSecond ?? null)}, p50 ${x(ratios[modeName(mode)]?.p50 ?? null)}, p99 ${x(ratios[modeName(mode)]?.p99 ?? null)}`).join('; ')}`,
  );
}
console.log(`Aims (p99 < ${AIM_P99_MS} ms, ≥ ${AIM_EVENTS_PER_SECOND} events/s on 2 cores):`);
for (const [name, aim] of Object.entries(aims)) {
  console.log(`  ${name.padEnd(24)} p99 < ${AIM_P99_MS} ms: ${yes(aim.p99Under50ms).padEnd(3)}  ≥ ${AIM_EVENTS_PER_SECOND} events/s: ${yes(aim.atLeast300EventsPerSecond)}`);
}
console.log(
  `\n${JSON.stringify({
    benchmark: 'webhooks',
    at: new Date().toISOString(),
    events: first?.storm.events.length,
    deliveries: first?.order.length,
    subscriptions: first?.storm.subscriptionIds.length,
    duplicates,
    seed,
    runs,
    concurrency,
    machine: { cpus: availableParallelism(), cpu: cpuModel, memGiB: Math.round(totalmem() / 2 ** 30), node: process.versions.node, busyBefore },
    results: results.map((r) => ({ ...r, figures: roundFigures(r.figures) })),
    median: summaries.map((s) => ({ ...s, figures: roundFigures(s.figures) })),
    ratios,
    aims,
  })}`,
);
process.exit(results.some((r) => r.warnings.length > 0) ? 1 : 0);
