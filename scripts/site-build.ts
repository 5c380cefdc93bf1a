/**
 * Builds the site so that a failed build never takes the live one down. Each build goes
 * into a fresh folder of its own, under `.builds/` in the project (where the server bundle
 * finds its packages in node_modules, wherever COTERIE_OUT_DIR points). The out folder
 * (`dist/` by default) is a link to the current build, replaced in one rename only once a
 * build has succeeded; a failed build is deleted and the link is left alone.
 *
 * A server already running keeps serving the build it started with: Node loads modules by
 * their real path, so its server bundle and the client folder it serves stay those of the
 * folder the link named at start, even after the link moves. The builds before the current
 * one are kept (KEPT_EARLIER) so that folder is still there; a restart serves the new build.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { buildIsStale } from './build-freshness.ts';

/** Earlier builds kept beside the current one, for servers started before the last builds. */
const KEPT_EARLIER = 2;
/** A folder with no finished build this old is left from a build that was killed, not one in progress. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

export type BuildOutcome = { ok: true; folder: string } | { ok: false; reason: string };

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Where the builds for one out folder live: one folder per out folder, so two never prune each other's. */
export function buildsFolder(root: string, outDir: string): string {
  const name = isInside(root, outDir)
    ? relative(root, outDir).replace(/[\\/]/g, '-')
    : `${basename(outDir)}-${createHash('sha256').update(outDir).digest('hex').slice(0, 10)}`;
  return join(root, '.builds', name);
}

function isFinished(folder: string): boolean {
  return existsSync(join(folder, 'server/entry.mjs'));
}

function builtAt(outDir: string): string | undefined {
  try {
    return statSync(join(outDir, 'server/entry.mjs')).mtime.toISOString();
  } catch {
    return undefined;
  }
}

/** Points `outDir` at `folder` in one rename, moving aside an out folder made before builds were linked. */
function switchTo(root: string, outDir: string, folder: string, builds: string): void {
  let existing;
  try {
    existing = lstatSync(outDir);
  } catch {
    mkdirSync(dirname(outDir), { recursive: true });
  }
  if (existing && !existing.isSymbolicLink()) {
    // A real folder (an older Coterie built into it): kept as an earlier build, then pruned like one.
    const aside = join(builds, `${basename(folder)}-before`);
    try {
      renameSync(outDir, aside);
    } catch {
      // On another file system: beside itself instead, left for the operator to delete.
      renameSync(outDir, `${outDir}.before-${basename(folder)}`);
      console.log(`Moved the earlier build in ${outDir} to ${outDir}.before-${basename(folder)}; delete it when nothing serves it.`);
    }
  }
  // Relative inside the project, so the checkout can move; Windows junctions take absolute paths only.
  const target = isInside(root, outDir) && process.platform !== 'win32' ? relative(dirname(outDir), folder) : folder;
  const link = `${outDir}.switching-${process.pid}`;
  rmSync(link, { force: true });
  symlinkSync(target, link, 'junction');
  try {
    renameSync(link, outDir);
  } catch (error) {
    // Windows will not rename onto an existing junction: the one moment the link is missing.
    if (process.platform !== 'win32') throw error;
    rmSync(outDir, { force: true });
    renameSync(link, outDir);
  }
}

/** Deletes builds older than the current one and the KEPT_EARLIER before it, and builds abandoned midway. */
function prune(builds: string, current: string): void {
  const names = readdirSync(builds).sort().reverse(); // names start with the build's time
  let earlier = 0;
  for (const name of names) {
    const folder = join(builds, name);
    if (folder === current) continue;
    if (isFinished(folder)) {
      earlier += 1;
      if (earlier > KEPT_EARLIER) rmSync(folder, { recursive: true, force: true });
    } else if (Date.now() - statSync(folder).mtimeMs > ABANDONED_AFTER_MS) {
      rmSync(folder, { recursive: true, force: true });
    }
  }
}

/**
 * Runs `astro build` into a fresh folder and makes it the one `outDir` names when it succeeds.
 * Astro's own output (with the file and field of a content mistake) goes to the terminal.
 */
export function buildSite(root: string, outDir: string, env: NodeJS.ProcessEnv = process.env): BuildOutcome {
  const builds = buildsFolder(root, outDir);
  mkdirSync(builds, { recursive: true });
  const folder = join(builds, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  // The Node running this script, which is new enough for Astro even where the machine's is not.
  const astro = resolve(root, 'node_modules/astro/bin/astro.mjs');
  const build = spawnSync(process.execPath, [astro, 'build', '--outDir', folder], {
    cwd: root,
    stdio: 'inherit',
    env: { ASTRO_TELEMETRY_DISABLED: '1', ...env },
  });
  if (build.status !== 0 || !isFinished(folder)) {
    rmSync(folder, { recursive: true, force: true });
    const last = builtAt(outDir);
    const kept = last ? `${outDir} still holds the last good build, made ${last}, and a running server keeps serving it` : `there is no earlier build in ${outDir}`;
    const why = build.error ? `Astro could not run (${build.error.message})` : 'see the error above';
    return { ok: false, reason: `The build failed (${why}): ${kept}.` };
  }
  switchTo(root, outDir, folder, builds);
  prune(builds, folder);
  return { ok: true, folder };
}

/**
 * `npm start`'s build step: builds when the sources changed since the last build. When that
 * build fails but an earlier one exists, says why and serves the earlier one, so a broken
 * post does not keep the site down. False when there is nothing to serve.
 */
export function buildIfStale(root: string, contentDir: string, outDir: string): boolean {
  if (!buildIsStale(root, contentDir, outDir)) return true;
  console.log('Building the site…');
  const built = buildSite(root, outDir);
  if (built.ok) return true;
  console.error(built.reason);
  if (!isFinished(outDir)) {
    console.error('Fix the error and run npm start again.');
    return false;
  }
  console.error('Serving that build until the error is fixed: fix it and run npm start (or npm run build, then restart) again.');
  return true;
}
