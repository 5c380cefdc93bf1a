import { getPosts } from '../site/community.ts';
import { isPublic } from '../server/access/can-read.ts';
import { teaserText } from '../server/content/teaser-text.ts';

/**
 * Build-time hand-off to the Pagefind step: the teasers of gated posts, which have no
 * static page to index. Computed from the source above `<Paywall />`, so the gated part
 * is never rendered here; the Pagefind step deletes this file once it has read it.
 */
export type SearchTeaser = { url: string; title: string; text: string; tags: string[]; image?: string };

export async function GET() {
  const posts = await getPosts();
  const teasers: SearchTeaser[] = posts
    .filter((post) => !isPublic(post.data))
    .map((post) => ({
      url: `/posts/${post.id}`,
      title: post.data.title,
      text: teaserText(post.body ?? '', post.data.description),
      tags: post.data.tags,
    }));
  return new Response(JSON.stringify(teasers), { headers: { 'Content-Type': 'application/json' } });
}
