/**
 * Times a digest send on PGlite and on Postgres in one run, against the Resend fake at a
 * configured request rate, and prints them side by side with the provider's own bound:
 * at R requests per second, N recipients need ceil(N/100) calls, so no sender can finish
 * sooner than (ceil(N/100) - 1) / R seconds. What we add on top of that bound is ours:
 * writing the recipients, claiming batches, rendering, recording the outcome.
 *
 *   node bench/digest-benchmark.ts [--pglite 5000] [--postgres 10000] [--rate 10] [--database-url <postgres://…>]
 *
 * Each engine sends from a fresh process (its memory is its own: the database is seeded
 * by this one beforehand); the fake runs in another.
 */
import { spawn, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seedSubscribers } from '../tests/support/subscribers.ts';
import { freshPglite, freshPostgres, type BenchDatabase } from './bench-databases.ts';

const { values } = parseArgs({
  options: {
    pglite: { type: 'string', default: '5000' },
    postgres: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '10' },
    'database-url': { type: 'string' },
  },
});
const rate = Number(values.rate);
const adminUrl = values['database-url'] ?? process.env.TEST_DATABASE_URL?.trim() ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const runs = [
  { engine: 'pglite', recipients: Number(values.pglite) },
  { engine: 'postgres', recipients: Number(values.postgres) },
].filter((run) => run.recipients > 0);

const fake = fork(resolve(import.meta.dirname, 'fake-resend-server.ts'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const [line] = (await once(fake.stdout!, 'data')) as [Buffer];
const { url, apiKey } = JSON.parse(line.toString()) as { url: string; apiKey: string };

type Figures = {
  engine: string;
  recipients: number;
  status: string;
  sent: number;
  batches: number;
  queueMs: number;
  totalMs: number;
  renderMs: number;
  baselineRssMiB: number;
  peakRssMiB: number;
  peakHeapMiB: number;
};
const results: (Figures & { boundMs: number })[] = [];
try {
  for (const run of runs) {
    console.error(`[bench] ${run.engine}: seeding ${run.recipients} subscribers…`);
    const database: BenchDatabase = run.engine === 'postgres' ? await freshPostgres(adminUrl) : await freshPglite();
    try {
      // Seeded here, so the sending process starts with nothing but what sending needs.
      // One in ten a paying member and one in 25 a patron: several segments to render.
      await seedSubscribers(database.handle.db, { count: run.recipients, tier: (index) => (index % 10 === 0 ? 'naturalist' : index % 25 === 0 ? 'patron' : undefined) });
      if (database.engine === 'pglite') await database.handle.close();
      console.error(`[bench] ${run.engine}: sending at ${rate} requests/s…`);
      const child = spawn(process.execPath, [resolve(import.meta.dirname, 'digest-engine-run.ts'), JSON.stringify(database.location), String(rate), url, apiKey], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      if (code !== 0) throw new Error(`The ${run.engine} run failed (exit ${code}).`);
      const figures = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Figures;
      results.push({ ...figures, engine: run.engine, recipients: run.recipients, boundMs: ((Math.ceil(run.recipients / 100) - 1) / rate) * 1000 });
    } finally {
      await database.drop().catch(() => {});
    }
  }
  fake.send('count');
  const [counts] = (await once(fake, 'message')) as [{ emails: number; addresses: number }];

  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`Digest send at ${rate} requests/s (Resend fake, batches of 100), ${new Date().toISOString()}`);
  console.log('');
  console.log('| | ' + results.map((result) => `${result.engine} (${result.recipients})`).join(' | ') + ' |');
  console.log('|---|' + results.map(() => '---:').join('|') + '|');
  const row = (label: string, cell: (result: (typeof results)[number]) => string) => console.log(`| ${label} | ${results.map(cell).join(' | ')} |`);
  row('provider bound', (result) => seconds(result.boundMs));
  row('total (queue + send)', (result) => seconds(result.totalMs));
  row('  of which writing recipients', (result) => seconds(result.queueMs));
  row('rendering every email (apart)', (result) => seconds(result.renderMs));
  row('overhead over the bound', (result) => `${(((result.totalMs - result.boundMs) / result.boundMs) * 100).toFixed(1)} %`);
  row('total / bound', (result) => (result.totalMs / result.boundMs).toFixed(3));
  row('RSS before sending', (result) => `${result.baselineRssMiB.toFixed(0)} MiB`);
  row('peak RSS while sending', (result) => `${result.peakRssMiB.toFixed(0)} MiB`);
  row('peak JS heap while sending', (result) => `${result.peakHeapMiB.toFixed(0)} MiB`);
  row('campaign', (result) => `${result.status}, ${result.sent} sent in ${result.batches} batches`);
  console.log('');
  console.log(`The fake received ${counts.emails} emails for ${counts.addresses} distinct addresses (expected ${results.reduce((sum, result) => sum + result.recipients, 0)}).`);
} finally {
  fake.kill();
}
