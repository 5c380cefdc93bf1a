import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CANARY } from './canary.ts';
import { demoPosts, plainPhrase } from './demo-posts.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
});
afterAll(() => site?.stop());

const get = (path: string) => fetch(new URL(path, site.url));
const posts = demoPosts();
const publicPosts = posts.filter((post) => post.access === 'public');
const gatedPosts = posts.filter((post) => post.access !== 'public');

describe('public posts', () => {
  it.each(publicPosts.map((post) => [post.slug, post] as const))('%s is served whole and ships no script', async (_slug, post) => {
    const response = await get(`/posts/${post.slug}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const phrase = plainPhrase(post.body);
    expect(phrase, 'the post opens with plain words to look for').not.toBe('');
    expect(html).toContain(phrase);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('gate-notice');
  });
});

describe('gated posts, for a visitor who is not signed in', () => {
  it.each(gatedPosts.map((post) => [post.slug, post] as const))('%s shows the teaser and a call to action, never the gated part', async (_slug, post) => {
    const response = await get(`/posts/${post.slug}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const html = await response.text();
    expect(html).toContain('class="gate-notice"');
    expect(html).not.toContain(CANARY);
    if (/<Paywall\s*\/>/.test(post.body)) expect(html).toContain(plainPhrase(post.body));
    if (post.access === 'members') expect(html).toContain('Sign in to read');
    // This site has no Stripe keys: the gate names the tier and says payments are not open, with no dead-end button.
    else {
      expect(html).toContain('payments are not set up on this site yet');
      expect(html).not.toMatch(/Upgrade to /);
    }
  });

  it('answers an unknown post with a friendly 404', async () => {
    const response = await get('/posts/no-such-post');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('This path leads nowhere');
  });
});

describe('the hub around the posts', () => {
  it('serves every listing page, with gated posts listed by their teaser', async () => {
    for (const path of ['/', '/archive', '/tags', '/about', '/guidelines', '/join', '/search']) {
      expect((await get(path)).status, path).toBe(200);
    }
    let archive = '';
    for (let page = 1, response = await get('/archive'); response.status === 200; response = await get(`/archive/${++page}`)) {
      archive += await response.text();
    }
    for (const post of posts) expect(archive).toContain(`href="/posts/${post.slug}"`);
    expect(archive).not.toContain(CANARY);
  });

  it('prices tiers from tiers.yaml on the join page', async () => {
    const html = await (await get('/join')).text();
    expect(html).toContain('Naturalist');
    expect(html).toContain('£6');
    expect(html).toContain('Payments are not set up yet');
  });

  it('lists every post, gated ones too, in the sitemap and the RSS feed', async () => {
    const sitemap = await (await get('/sitemap.xml')).text();
    const rss = await (await get('/rss.xml')).text();
    for (const post of posts) {
      expect(sitemap).toContain(`/posts/${post.slug}</loc>`);
      expect(rss).toContain(`/posts/${post.slug}</link>`);
    }
  });

  it('gives posts canonical URLs and social cards', async () => {
    const post = publicPosts[0];
    const html = await (await get(`/posts/${post?.slug}`)).text();
    expect(html).toContain(`<link rel="canonical" href="http://localhost:4321/posts/${post?.slug}">`);
    expect(html).toMatch(/<meta property="og:title" content="[^"]+">/);
    expect(html).toMatch(/<meta name="twitter:card" content="summary(_large_image)?">/);
  });

  it('loads only the search script on the search page', async () => {
    const html = await (await get('/search')).text();
    const sources = [...html.matchAll(/<script([^>]*)>/g)].map((match) => /src="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? 'inline');
    expect(sources).toEqual(['/pagefind/pagefind-ui.js', '/scripts/search-page.js']);
  });

  it('answers an unknown page with the 404 page', async () => {
    const response = await get('/no/such/page');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('This path leads nowhere');
  });
});
