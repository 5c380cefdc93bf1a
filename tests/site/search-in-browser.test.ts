import { describe, expect, it } from 'vitest';
import { siteInBrowser } from './browser.ts';
import { demoPosts } from './demo-posts.ts';

const { site, browser } = siteInBrowser();

describe('a reader searching the hub in a browser', () => {
  it('searches from the header box on the home page and follows the result to the post', async () => {
    const post = demoPosts().find((candidate) => candidate.access === 'public');
    if (!post) throw new Error('the demo community needs a public post');
    // The longest word of the title is distinctive enough to find its own post.
    const word = post.title.split(/[^A-Za-z]+/).sort((a, b) => b.length - a.length)[0] ?? '';

    const page = await browser().newPage();
    await page.goto(site().url);
    await page.getByRole('searchbox', { name: /search/i }).fill(word);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/search\?q=/);

    const result = page.locator('.pagefind-ui__result-link', { hasText: post.title });
    await result.first().waitFor({ timeout: 15_000 });
    await result.first().click();
    await page.waitForURL(new RegExp(`/posts/${post.slug}/?$`));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(post.title);
    await page.close();
  });

  it('finds a gated post by its teaser and lands on the teaser with a call to action', async () => {
    const page = await browser().newPage();
    const gated = demoPosts().find((candidate) => candidate.access !== 'public');
    if (!gated) throw new Error('the demo community needs a gated post');
    await page.goto(new URL(`/search?q=${encodeURIComponent(gated.title)}`, site().url).href);
    const result = page.locator('.pagefind-ui__result-link', { hasText: gated.title });
    await result.first().waitFor({ timeout: 15_000 });
    await result.first().click();
    await page.waitForURL(new RegExp(`/posts/${gated.slug}/?$`));
    await expect(page.locator('.gate-notice').isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('labels each gated result with who may read it, as the post itself does', async () => {
    const expected = [
      ['members', 'Access: Members'],
      ['paid', 'Access: Paid members'],
      ['naturalist', 'Access: Naturalist'],
    ] as const;
    for (const [access, label] of expected) {
      const post = demoPosts().find((candidate) => (Array.isArray(candidate.access) ? candidate.access.join() : candidate.access) === access);
      if (!post) throw new Error(`the demo community needs a post with access ${access}`);
      const page = await browser().newPage();
      await page.goto(new URL(`/search?q=${encodeURIComponent(post.title)}`, site().url).href);
      const result = page.locator('.pagefind-ui__result', { has: page.locator('.pagefind-ui__result-link', { hasText: post.title }) }).first();
      await result.waitFor({ timeout: 15_000 });
      await expect(result.locator('.pagefind-ui__result-tag').allTextContents().then((tags) => tags.map((tag) => tag.trim())), post.slug).resolves.toContain(label);
      await page.close();
    }
  });
});
