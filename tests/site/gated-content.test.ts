import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { CANARY } from './canary.ts';
import { demoPosts } from './demo-posts.ts';
import { readTree } from './files.ts';

const siteDir = inject('siteDir');
const clientFiles = readTree(join(siteDir, 'client'));
const words = CANARY.split(' ');
// Pagefind stores words, not sentences: look for the canary's rare words one by one too.
const rareWords = words.filter((word) => /\d/.test(word) || word.toLowerCase() === 'quillwort');

describe('the gated part of a post never reaches the static build', () => {
  it('plants the canary in the demo community and the server bundle carries it', () => {
    expect(inject('plantedPosts')).toBeGreaterThanOrEqual(5);
    const serverText = readTree(join(siteDir, 'server'))
      .map((file) => file.text)
      .join('\n');
    expect(serverText).toContain(CANARY);
  });

  it('appears in no file under dist/client: HTML, RSS, sitemap, assets or the decompressed search index', () => {
    expect(clientFiles.some((file) => file.path.startsWith('pagefind/'))).toBe(true);
    const leaks = clientFiles.filter((file) => {
      const text = file.text.toLowerCase();
      return text.includes(CANARY.toLowerCase()) || rareWords.some((word) => text.includes(word.toLowerCase()));
    });
    expect(leaks.map((file) => file.path)).toEqual([]);
  });

  it('indexes the teasers of gated posts, so they can still be found', () => {
    const index = clientFiles
      .filter((file) => file.path.startsWith('pagefind/fragment/'))
      .map((file) => file.text)
      .join('\n');
    const rss = readFileSync(join(siteDir, 'client/rss.xml'), 'utf8');
    const gatedLink = /<link>[^<]*\/posts\/([^<\/]+)\/?<\/link>/g;
    const staticPosts = new Set(readdirSync(join(siteDir, 'client/posts')));
    const gatedSlugs = [...rss.matchAll(gatedLink)].map((match) => match[1]).filter((slug) => slug && !staticPosts.has(slug));
    expect(gatedSlugs.length).toBeGreaterThan(0);
    for (const slug of gatedSlugs) expect(index).toContain(`/posts/${slug}`);
  });

  it('leaves the build-time teaser hand-off out of the published files', () => {
    expect(clientFiles.map((file) => file.path)).not.toContain('coterie-search-teasers.json');
  });
});

describe('the server bundle', () => {
  // Public posts are static files: the server build compiles only the gated ones, and
  // the public ones a digest carries whole (`newsletter: full`), which it renders.
  it('compiles the gated posts it renders and leaves public posts out', () => {
    const chunks = readdirSync(join(siteDir, 'server/chunks'));
    const compiled = (slug: string) => chunks.some((chunk) => chunk.startsWith(`${slug}_`));
    const posts = demoPosts();
    const sentWhole = (post: (typeof posts)[number]) => /^newsletter:\s*full\s*$/m.test(post.frontmatter);
    const gated = posts.filter((post) => post.access !== 'public');
    expect(gated.filter((post) => !compiled(post.slug)).map((post) => post.slug)).toEqual([]);
    expect(posts.filter((post) => post.access === 'public' && sentWhole(post)).length).toBeGreaterThan(0);
    expect(posts.filter((post) => post.access === 'public' && sentWhole(post) && !compiled(post.slug)).map((post) => post.slug)).toEqual([]);
    expect(posts.filter((post) => post.access === 'public' && !sentWhole(post) && compiled(post.slug)).map((post) => post.slug)).toEqual([]);
  });
});
