import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { parse } from 'yaml';
import { runAstro } from '../support/astro-cli.ts';
import { hedgerowDir } from '../support/communities.ts';
import { CANARY } from './canary.ts';

const root = resolve(import.meta.dirname, '../..');
const workDir = join(root, '.test-build');
// Inside the project, so the built server resolves its packages from node_modules.
const contentDir = join(workDir, 'canary-content');
const outDir = join(workDir, 'canary-site');

/** Plants the canary in the gated part of a post: after its paywall line and at its end. */
export function plantCanary(source: string): string {
  const [, frontmatter = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
  const access = (parse(frontmatter) as { access?: unknown }).access ?? 'public';
  if (access === 'public') return source;
  const paragraph = `\n\n${CANARY}.\n\n`;
  const marked = /^[ \t]*<Paywall\s*\/>[ \t]*$/m;
  // Without a marker the whole body is gated, so its first line is a fair place too.
  const planted = marked.test(body) ? body.replace(marked, (line) => `${line}${paragraph}`) : `${paragraph}${body}`;
  return `---\n${frontmatter}\n---\n${planted}${paragraph}`;
}

export default function setup(project: TestProject) {
  rmSync(contentDir, { recursive: true, force: true });
  cpSync(hedgerowDir, contentDir, { recursive: true });
  const postsDir = join(contentDir, 'posts');
  let planted = 0;
  for (const file of readdirSync(postsDir).filter((name) => name.endsWith('.mdx'))) {
    const path = join(postsDir, file);
    const source = readFileSync(path, 'utf8');
    const changed = plantCanary(source);
    if (changed !== source) planted += 1;
    writeFileSync(path, changed);
  }
  if (planted === 0) throw new Error('The demo community has no gated posts to plant the canary in.');

  const build = runAstro(['build', '--outDir', outDir], { COTERIE_CONTENT_DIR: contentDir, COTERIE_CACHE_DIR: join(workDir, 'cache') });
  if (build.status !== 0) throw new Error(`The test build failed:\n${build.output}`);

  project.provide('siteDir', outDir);
  project.provide('plantedPosts', planted);
}

declare module 'vitest' {
  export interface ProvidedContext {
    siteDir: string;
    plantedPosts: number;
  }
}
