import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a build is made from, beside the content folder: a change to any of these makes `dist/` stale. */
const SOURCES = ['src', 'public', 'db', 'astro.config.mjs', 'package.json', 'package-lock.json'];

function newestChange(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0; // an optional source that does not exist
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** True when there is no build in `outDir` yet, or a source changed after it was made. */
export function buildIsStale(root: string, contentDir: string, outDir: string): boolean {
  let built: number;
  try {
    built = statSync(join(outDir, 'server/entry.mjs')).mtimeMs;
  } catch {
    return true;
  }
  const sources = [...SOURCES.map((source) => join(root, source)), contentDir];
  return sources.some((source) => newestChange(source) > built);
}
