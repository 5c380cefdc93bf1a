import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CANARY } from './canary.ts';
import { demoPosts } from './demo-posts.ts';
import { readTree } from './files.ts';
import { signInOverHttp } from './http-sign-in.ts';
import { serveSite, type RunningSite } from './site-server.ts';

const siteDir = inject('siteDir');
// Pagefind stores words, not sentences: look for the canary's rare words one by one too.
const rareWords = CANARY.split(' ').filter((word) => /\d/.test(word) || word.toLowerCase() === 'quillwort');
const posts = demoPosts();
const membersPosts = posts.filter((post) => post.access === 'members');
const paidOrTierPosts = posts.filter((post) => post.access === 'paid' || Array.isArray(post.access));
// Home and its pages, the archive and its pages, topics, each topic and its pages.
const listingPath = /^\/(?:\d+|archive(?:\/\d+)?|tags(?:\/[^/?#]+(?:\/\d+)?)?)?\/?$/;

let site: RunningSite;
let cookie = '';

beforeAll(async () => {
  site = await serveSite(siteDir);
  cookie = await signInOverHttp(site, `free-${Date.now()}@example.com`);
});
afterAll(() => site?.stop());

const at = (path: string) => new URL(path, site.url).href;

type Fetched = { path: string; status: number; text: string; headers: string };

/** A page as the signed-in member gets it; gzip bodies (Pagefind's fragments) decompressed. */
async function fetchSignedIn(path: string): Promise<Fetched> {
  const response = await fetch(at(path), { headers: { Cookie: cookie } });
  let bytes = Buffer.from(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  return { path, status: response.status, text: bytes.toString('latin1'), headers };
}

function leaks(fetched: Fetched[], { words = false } = {}): string[] {
  const needles = words ? [CANARY, ...rareWords] : [CANARY];
  return fetched.flatMap(({ path, text, headers }) => [
    ...needles.filter((needle) => text.toLowerCase().includes(needle.toLowerCase())).map((needle) => `${path} body: ${needle}`),
    ...needles.filter((needle) => headers.toLowerCase().includes(needle.toLowerCase())).map((needle) => `${path} headers: ${needle}`),
  ]);
}

/** Every listing page reachable from the home page, the archive and the topics page. */
async function crawlListings(): Promise<Fetched[]> {
  const queue = ['/', '/archive', '/tags'];
  const seen = new Set(queue);
  const pages: Fetched[] = [];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    const page = await fetchSignedIn(path);
    pages.push(page);
    for (const [, href = ''] of page.text.matchAll(/href="([^"]+)"/g)) {
      const target = new URL(href, at(path));
      const normalized = target.pathname.replace(/(.)\/$/, '$1');
      if (target.origin !== site.url || !listingPath.test(normalized) || seen.has(normalized)) continue;
      seen.add(normalized);
      queue.push(normalized);
    }
  }
  return pages;
}

describe('a signed-in free member', () => {
  it('reads every members post in full (the cookie works, so the checks below can fail)', async () => {
    expect(membersPosts.length).toBeGreaterThan(0);
    const pages = await Promise.all(membersPosts.map((post) => fetchSignedIn(`/posts/${post.slug}`)));
    expect(pages.filter((page) => page.status !== 200 || !page.text.includes(CANARY)).map((page) => page.path)).toEqual([]);
  });

  it('gets no gated words in any paid or tier post', async () => {
    expect(paidOrTierPosts.some((post) => post.access === 'paid')).toBe(true);
    expect(paidOrTierPosts.some((post) => Array.isArray(post.access))).toBe(true);
    const pages = await Promise.all(paidOrTierPosts.map((post) => fetchSignedIn(`/posts/${post.slug}`)));
    expect(pages.map((page) => `${page.path} ${page.status}`)).toEqual(paidOrTierPosts.map((post) => `/posts/${post.slug} 200`));
    expect(leaks(pages)).toEqual([]);
  });

  it('gets no gated words in the RSS feed, the search page or any listing page', async () => {
    const listings = await crawlListings();
    const paths = listings.map((page) => page.path);
    expect(paths).toContain('/archive');
    expect(paths.some((path) => /^\/tags\/[^/]+$/.test(path))).toBe(true);
    expect(listings.filter((page) => page.status !== 200).map((page) => `${page.path} ${page.status}`)).toEqual([]);
    const others = await Promise.all(['/rss.xml', '/search', '/search?q=quillwort'].map(fetchSignedIn));
    expect(others.map((page) => page.status)).toEqual([200, 200, 200]);
    expect(leaks([...listings, ...others])).toEqual([]);
  });

  it('gets no gated words from any file of the search index, decompressed', async () => {
    const files = readTree(join(siteDir, 'client/pagefind')).map((file) => `/pagefind/${file.path}`);
    expect(files.some((path) => path.startsWith('/pagefind/fragment/'))).toBe(true);
    const served = await Promise.all(files.map(fetchSignedIn));
    expect(served.filter((file) => file.status !== 200).map((file) => file.path)).toEqual([]);
    expect(leaks(served, { words: true })).toEqual([]);
  });
});
