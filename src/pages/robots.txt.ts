import type { APIContext } from 'astro';

export function GET(context: APIContext) {
  const sitemap = new URL('/sitemap.xml', context.site).href;
  const body = ['User-agent: *', 'Disallow: /account', 'Disallow: /admin', 'Disallow: /api/', '', `Sitemap: ${sitemap}`, ''];
  return new Response(body.join('\n'), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
