import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { hedgerowDir } from '../support/communities.ts';

export type DemoPost = { slug: string; title: string; access: unknown; frontmatter: string; body: string; draft: boolean };

/** The demo community's posts as written, read straight from its fixture folder. */
export function demoPosts(): DemoPost[] {
  const dir = resolve(hedgerowDir, 'posts');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .map((name) => {
      const source = readFileSync(join(dir, name), 'utf8');
      const [, frontmatter = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
      const data = parse(frontmatter) as { title: string; access?: unknown; draft?: boolean };
      return { slug: name.replace(/\.mdx$/, ''), title: data.title, access: data.access ?? 'public', frontmatter, body, draft: data.draft ?? false };
    })
    .filter((post) => !post.draft);
}

/** The first plain paragraph of a post's body: words every reader should see. */
export function firstParagraph(body: string): string {
  const paragraph = body
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .find((block) => /^[A-Z]/.test(block) && !block.startsWith('<'));
  return paragraph ?? '';
}

/**
 * Five consecutive plain words from the first paragraph: text that rendering leaves
 * exactly as written (no markup, punctuation or typographic quotes to transform).
 */
export function plainPhrase(body: string): string {
  const words = firstParagraph(body).split(/\s+/);
  for (let start = 0; start + 5 <= words.length; start += 1) {
    const run = words.slice(start, start + 5);
    if (run.every((word) => /^[A-Za-z]+$/.test(word))) return run.join(' ');
  }
  return '';
}
