import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getPosts, getTierNames } from '../site/community.ts';
import { isPublic } from '../server/access/can-read.ts';
import { accessLabel } from '../server/content/access-label.ts';
import { teaserText, withoutFrontmatter } from '../server/content/teaser-text.ts';

/**
 * Build-time hand-off to the Pagefind step: the teasers of gated posts, which have no
 * static page to index. Computed from the source above `<Paywall />`, so the gated part
 * is never rendered here; the Pagefind step deletes this file once it has read it.
 */
export type SearchTeaser = {
  url: string;
  title: string;
  text: string;
  tags: string[];
  /** Who may read the whole post, as the post's badge says it: shown beside the result. */
  access: string;
  image?: string;
};

export async function GET() {
  const [posts, tierNames] = await Promise.all([getPosts(), getTierNames()]);
  const gated = posts.filter((post) => !isPublic(post.data));
  const teasers: SearchTeaser[] = await Promise.all(
    gated.map(async (post) => {
      // The data store keeps no raw bodies (see content.config.ts): read the source file.
      if (!post.filePath) throw new Error(`Post "${post.id}" has no source file to take its teaser from.`);
      const body = withoutFrontmatter(await readFile(resolve(post.filePath), 'utf8'));
      return {
        url: `/posts/${post.id}`,
        title: post.data.title,
        text: teaserText(body, post.data.description),
        tags: post.data.tags,
        access: accessLabel(post.data.access, tierNames),
      };
    }),
  );
  return new Response(JSON.stringify(teasers), { headers: { 'Content-Type': 'application/json' } });
}
