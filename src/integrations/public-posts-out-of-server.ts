import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import type { Plugin } from 'vite';
import { parse } from 'yaml';

/** A post's `access` as written in its frontmatter; `public` when it says nothing. */
export function frontmatterAccess(source: string): unknown {
  const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1];
  if (frontmatter === undefined) return 'public';
  const data = parse(frontmatter) as { access?: unknown } | null;
  return data?.access ?? 'public';
}

/** One entry of Astro's content module map: `["content/posts/x.mdx", () => import(…)],`. */
const MAP_ENTRY = /^\["([^"]+)", \(\) => import\(.*\)\],?$/;

/**
 * Public posts are prerendered and served as files; the on-demand server renders only
 * gated posts. So the server build drops public posts from Astro's content module map:
 * it then bundles a few hundred modules instead of thousands, which keeps a large
 * build close to the cost of a plain static site. Prerendering is untouched.
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
      const lines = await Promise.all(
        code.split('\n').map(async (line) => {
          const path = MAP_ENTRY.exec(line)?.[1];
          if (!path?.startsWith(`${postsDir}/`)) return line;
          const access = frontmatterAccess(await readFile(resolve(root, path), 'utf8'));
          return access === 'public' ? '' : line;
        }),
      );
      return { code: lines.join('\n'), map: null };
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
