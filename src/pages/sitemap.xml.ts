import type { APIContext } from 'astro';
import { getCollection } from 'astro:content';
import { getPosts, getSite } from '../site/community.ts';
import { tagCounts } from '../server/content/post-listing.ts';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

// Written by hand rather than by @astrojs/sitemap: gated posts are served on demand,
// and a sitemap built from the static output would leave their (public) teaser pages out.
export async function GET(context: APIContext) {
  const [site, posts, pages] = await Promise.all([getSite(), getPosts(), getCollection('pages')]);
  const base = context.site ?? new URL(site.url);
  const entries: { path: string; lastmod?: Date }[] = [
    { path: '/', lastmod: posts[0]?.data.date },
    { path: '/archive' },
    { path: '/tags' },
    { path: '/join' },
    ...pages.map((page) => ({ path: `/${page.id}` })),
    ...tagCounts(posts).map(({ tag }) => ({ path: `/tags/${tag}` })),
    ...posts.map((post) => ({ path: `/posts/${post.id}`, lastmod: post.data.updated ?? post.data.date })),
  ];
  const urls = entries
    .map(({ path, lastmod }) => {
      const loc = `<loc>${escape(new URL(path, base).href)}</loc>`;
      return `  <url>${loc}${lastmod ? `<lastmod>${lastmod.toISOString().slice(0, 10)}</lastmod>` : ''}</url>`;
    })
    .join('\n');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
  return new Response(xml, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
}
