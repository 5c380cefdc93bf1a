import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { getPosts, getSite } from '../site/community.ts';

// Titles and descriptions only: a feed is public, and descriptions are teasers by design.
export async function GET(context: APIContext) {
  const [site, posts] = await Promise.all([getSite(), getPosts()]);
  return rss({
    title: site.name,
    description: site.description,
    site: context.site ?? site.url,
    items: posts.map((post) => ({
      title: post.data.title,
      description: post.data.description,
      pubDate: post.data.date,
      link: `/posts/${post.id}`,
      categories: post.data.tags,
      author: post.data.author,
    })),
    customData: `<language>${site.language}</language>`,
    trailingSlash: false,
  });
}
