/** Counts what a build emitted: every `index.html` is a static page; those under `posts/` are post pages. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type PageCount = { staticPages: number; staticPosts: number };

export function countPages(htmlRoot: string): PageCount {
  if (!existsSync(htmlRoot)) return { staticPages: 0, staticPosts: 0 };
  const files = readdirSync(htmlRoot, { recursive: true, encoding: 'utf8' });
  const pages = files.filter((file) => file === 'index.html' || file.endsWith('/index.html'));
  return {
    staticPages: pages.length,
    staticPosts: pages.filter((file) => /^posts\/[^/]+\/index\.html$/.test(file)).length,
  };
}

/** A server build (the Node adapter) puts static files in `client/`; a static build at the top. */
export function htmlRootOf(outDir: string): string {
  const client = join(outDir, 'client');
  return existsSync(client) ? client : outDir;
}
