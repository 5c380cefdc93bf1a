/**
 * `npm start`: build the site if its sources changed, open (and migrate) the database,
 * then serve. The database is opened here, before the server takes requests, so a
 * locked PGlite folder or an unreachable Postgres stops start-up with one clear line.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeDatabase, defaultDataDir, getDatabase } from '../db/client.ts';
import { buildIsStale } from './build-freshness.ts';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const contentDir = resolve(process.env.COTERIE_CONTENT_DIR ?? 'content');
const outDir = resolve(process.env.COTERIE_OUT_DIR ?? 'dist');

if (buildIsStale(root, contentDir, outDir)) {
  console.log('Building the site…');
  // The Node running this script, which is new enough for Astro even where the machine's is not.
  const astro = resolve(root, 'node_modules/astro/bin/astro.mjs');
  const build = spawnSync(process.execPath, [astro, 'build'], { stdio: 'inherit', env: { ASTRO_TELEMETRY_DISABLED: '1', ...process.env } });
  if (build.status !== 0) {
    console.error('The build failed: fix the error above and run npm start again.');
    process.exit(1);
  }
}

try {
  const { engine } = await getDatabase();
  console.log(engine === 'pglite' ? `Database: embedded PGlite in ${defaultDataDir()}` : 'Database: Postgres server from DATABASE_URL');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: closing the database…`);
  // PGlite flushes its files on close; leaving without it can lose the last writes.
  await closeDatabase().catch((error: unknown) => console.error('Closing the database failed:', error));
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

process.env.PORT ??= '4321';
process.env.HOST ??= 'localhost';
// The standalone server starts listening as soon as its entry module loads.
await import(pathToFileURL(resolve(outDir, 'server/entry.mjs')).href);
