/**
 * The two builds the benchmark compares, each measured as one unit that ends with a
 * Pagefind index: the plain floor (Astro, then the Pagefind CLI over its output) and
 * Coterie (whose own integration runs Pagefind in astro:build:done).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countPages, htmlRootOf } from './count-pages.ts';
import type { GeneratedPosts } from './generate-posts.ts';
import { measureCommand, type Measurement } from './measure-process.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PLAIN_ROOT = join(PROJECT_ROOT, 'bench', 'plain-site');
// Run the CLIs' scripts with this Node rather than their `#!/usr/bin/env node`, which may be older.
const ASTRO = join(PROJECT_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');
const PAGEFIND = join(PROJECT_ROOT, 'node_modules', 'pagefind', 'lib', 'runner', 'bin.cjs');

export type Target = 'plain' | 'coterie';
export type BuildResult = Measurement & {
  target: Target;
  run: number;
  /** Every `index.html` emitted. */
  staticPages: number;
  /** Posts prerendered to HTML. */
  staticPosts: number;
  /** Posts served by an on-demand route instead (Coterie's gated posts). */
  onDemandPosts: number;
  logFile: string;
  /** Anything that makes the figures suspect, e.g. fewer pages than posts generated. */
  warnings: string[];
};

export type BenchDirs = { tmp: string; generated: GeneratedPosts };

const baseEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ASTRO_TELEMETRY_DISABLED: '1' });

export async function buildPlain({ tmp, generated }: BenchDirs, run: number): Promise<BuildResult> {
  const outDir = join(tmp, 'plain-dist');
  const cacheDir = join(tmp, 'plain-cache');
  const logFile = join(tmp, `plain-run-${run}.log`);
  rmSync(outDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  const env = { ...baseEnv(), BENCH_POSTS_DIR: generated.postsDir, BENCH_CACHE_DIR: cacheDir };
  const common = { command: process.execPath, cwd: PROJECT_ROOT, env, logFile };

  const astro = await measureCommand({ ...common, args: [ASTRO, 'build', '--force', '--root', PLAIN_ROOT, '--outDir', outDir] });
  const search =
    astro.exitCode === 0 ? await measureCommand({ ...common, args: [PAGEFIND, '--site', outDir] }) : null;
  const measured = search ? sequence(astro, search) : astro;
  const pages = countPages(outDir);
  const warnings: string[] = [];
  if (measured.exitCode === 0 && pages.staticPosts !== generated.count) {
    warnings.push(`plain site emitted ${pages.staticPosts} post pages for ${generated.count} posts`);
  }
  if (measured.exitCode === 0 && !existsSync(join(outDir, 'pagefind'))) warnings.push('plain site has no pagefind/ index');
  return { ...measured, ...pages, target: 'plain', run, onDemandPosts: 0, logFile, warnings };
}

export async function buildCoterie({ tmp, generated }: BenchDirs, run: number): Promise<BuildResult> {
  const outDir = join(tmp, 'coterie-dist');
  const cacheDir = join(tmp, 'coterie-cache');
  const logFile = join(tmp, `coterie-run-${run}.log`);
  rmSync(outDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  // COTERIE_CACHE_DIR keeps the benchmark's content store apart from the developer's own.
  const env = { ...baseEnv(), COTERIE_CONTENT_DIR: generated.dir, COTERIE_CACHE_DIR: cacheDir };
  const measured = await measureCommand({
    command: process.execPath,
    args: [ASTRO, 'build', '--force', '--outDir', outDir],
    cwd: PROJECT_ROOT,
    env,
    logFile,
  });
  const htmlRoot = htmlRootOf(outDir);
  const pages = countPages(htmlRoot);
  const gated = generated.count - generated.access.public;
  const warnings: string[] = [];
  if (measured.exitCode === 0 && pages.staticPosts !== generated.access.public) {
    warnings.push(`Coterie prerendered ${pages.staticPosts} posts for ${generated.access.public} public ones`);
  }
  if (measured.exitCode === 0 && !existsSync(join(htmlRoot, 'pagefind'))) warnings.push('Coterie output has no pagefind/ index');
  return { ...measured, ...pages, target: 'coterie', run, onDemandPosts: gated, logFile, warnings };
}

/** Two steps run one after the other: times add up, and the peak is the larger one. */
function sequence(first: Measurement, second: Measurement): Measurement {
  const max = (a: number | null, b: number | null) => (a === null || b === null ? (a ?? b) : Math.max(a, b));
  return {
    wallSeconds: first.wallSeconds + second.wallSeconds,
    peakKiB: max(first.peakKiB, second.peakKiB),
    treePeakKiB: max(first.treePeakKiB, second.treePeakKiB),
    exitCode: first.exitCode || second.exitCode,
  };
}
