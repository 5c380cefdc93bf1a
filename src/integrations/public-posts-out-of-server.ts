import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import type { Plugin } from 'vite';
import { parse } from 'yaml';
import { splitFrontmatter } from '../server/content/frontmatter.ts';

/** A post's `access` as written in its frontmatter; `public` when it says nothing. */
export function frontmatterAccess(source: string): unknown {
  return frontmatterData(source)?.access ?? 'public';
}

/** True when the post goes into digests whole (`newsletter: full`): the server renders it for the email. */
export function frontmatterNewsletterFull(source: string): boolean {
  return frontmatterData(source)?.newsletter === 'full';
}

function frontmatterData(source: string): { access?: unknown; newsletter?: unknown } | undefined {
  const { frontmatter } = splitFrontmatter(source);
  if (frontmatter === undefined) return undefined;
  return (parse(frontmatter) as { access?: unknown; newsletter?: unknown } | null) ?? undefined;
}

/** One entry of Astro's content module map: `["content/posts/x.mdx", () => import("…")]`, and its comma. */
const MAP_ENTRY = /\["([^"]+)", \(\) => import\("[^"]*"\)\],?/g;

/**
 * Public posts are prerendered and served as files; the on-demand server renders only
 * gated posts. So the server build drops public posts from Astro's content module map:
 * it then bundles a few hundred modules instead of thousands, which keeps a large
 * build close to the cost of a plain static site. Prerendering is untouched. Public
 * posts sent whole in digests (`newsletter: full`) stay: the digest renders them.
 */
export default function publicPostsOutOfServer(contentDir: string): AstroIntegration {
  let root = process.cwd();
  const plugin: Plugin = {
    name: 'coterie:public-posts-out-of-server',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'ssr',
    async transform(code, id) {
      if (!id.endsWith('content-modules.mjs')) return undefined;
      const postsDir = relative(root, resolve(contentDir, 'posts'));
      const publicPaths = new Set<string>();
      for (const [, path = ''] of code.matchAll(MAP_ENTRY)) {
        if (!path.startsWith(`${postsDir}/`)) continue;
        const source = await readFile(resolve(root, path), 'utf8');
        if (frontmatterAccess(source) === 'public' && !frontmatterNewsletterFull(source)) publicPaths.add(path);
      }
      // Dropping an entry with its comma leaves a valid array literal.
      return { code: code.replace(MAP_ENTRY, (entry, path: string) => (publicPaths.has(path) ? '' : entry)), map: null };
    },
  };
  return {
    name: 'coterie-public-posts-out-of-server',
    hooks: {
      'astro:config:setup': ({ config, updateConfig }) => {
        root = fileURLToPath(config.root);
        updateConfig({ vite: { plugins: [plugin] } });
      },
    },
  };
}
