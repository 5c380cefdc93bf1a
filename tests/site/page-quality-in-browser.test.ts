import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { siteInBrowser } from './browser.ts';
import { demoPosts } from './demo-posts.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const { site, browser } = siteInBrowser();

const withCover = demoPosts().find((post) => post.access === 'public' && /^cover:/m.test(post.frontmatter));
const gated = demoPosts().find((post) => post.access !== 'public');
const pages = ['/', '/archive', '/tags', '/join', '/guidelines', '/search', '/search?q=moth', `/posts/${withCover?.slug}`, `/posts/${gated?.slug}`];

/** Serious and critical problems axe-core finds on the page: WCAG 2.1 A/AA, and its best practices (a form field named only by a title, say). */
async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the devtools protocol: the site's CSP rightly blocks an injected <script>.
  await page.evaluate(axeSource);
  const problems = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
  return problems;
}

describe('pages as a reader gets them', () => {
  it.each(pages)('%s has no serious accessibility problems, in light or dark', async (path) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser().newPage({ colorScheme });
      await page.goto(new URL(path, site().url).href);
      if (path.startsWith('/search?')) await page.locator('.pagefind-ui__result').first().waitFor();
      if (path === '/search') await page.locator('.pagefind-ui__search-input').waitFor();
      expect(await accessibilityProblems(page), `${path} (${colorScheme})`).toEqual([]);
      await page.close();
    }
  });

  it.each(pages.filter((path) => !path.startsWith('/search')))('%s does not shift while it loads', async (path) => {
    const page = await browser().newPage({ viewport: { width: 390, height: 800 } });
    // Images arrive late, as on a slow phone: a page that did not reserve their space jumps.
    await page.route(/\.(svg|png|jpe?g|webp|avif)$/, async (route) => {
      await new Promise((wait) => setTimeout(wait, 300));
      await route.continue();
    });
    await page.goto(new URL(path, site().url).href, { waitUntil: 'load' });
    expect(await layoutShift(page)).toBe(0);
    await page.close();
  });
});

describe('the checks themselves', () => {
  it('flag a page with an unlabelled image and low-contrast text', async () => {
    const page = await browser().newPage();
    await page.setContent('<html lang="en"><body><main><img src="x.png"><p style="color:#ddd;background:#fff">faint</p></main></body></html>');
    const problems = await accessibilityProblems(page);
    expect(problems.some((problem) => problem.startsWith('image-alt'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('color-contrast'))).toBe(true);
    await page.close();
  });

  it('measure a page that moves its text after loading', async () => {
    const page = await browser().newPage();
    await page.setContent('<html lang="en"><body><p>Text that will be pushed down.</p></body></html>');
    await page.evaluate(() => new Promise((done) => setTimeout(done, 100)));
    await page.evaluate(() => {
      const banner = document.createElement('div');
      banner.style.height = '300px';
      document.body.prepend(banner);
    });
    expect(await layoutShift(page)).toBeGreaterThan(0);
    await page.close();
  });
});

/** Cumulative layout shift as Chromium reports it, including shifts before this ran. */
function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) total += entry.value;
        }).observe({ type: 'layout-shift', buffered: true });
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
      }),
  );
}
