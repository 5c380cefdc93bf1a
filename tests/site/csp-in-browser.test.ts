import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { securityHeaders } from '../../src/server/http/security-headers.ts';
import { launchBrowser } from './browser.ts';
import { demoPosts } from './demo-posts.ts';

const root = resolve(import.meta.dirname, '../..');
const publicPost = demoPosts().find((post) => post.access === 'public');
const gatedPost = demoPosts().find((post) => post.access !== 'public');

let url = '';
let stopServer = () => {};
let browser: Browser;

/** The built site behind the production wrapper (tests/site/fixtures/serve-with-headers.ts). */
async function serveWithHeaders(siteDir: string): Promise<{ url: string; stop: () => void }> {
  const server = spawn(join(root, 'node_modules/.bin/node'), [join(import.meta.dirname, 'fixtures/serve-with-headers.ts'), siteDir], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const address = await new Promise<string>((done, fail) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) done(match[1]);
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.once('exit', (code) => fail(new Error(`The wrapped server exited (${code}) before listening:\n${output}`)));
  });
  return { url: address, stop: () => server.kill('SIGTERM') };
}

beforeAll(async () => {
  const [server, launched] = await Promise.all([serveWithHeaders(inject('siteDir')), launchBrowser()]);
  ({ url, stop: stopServer } = server);
  browser = launched;
});
afterAll(async () => {
  await browser?.close();
  stopServer();
});

/**
 * A page that records every Content-Security-Policy violation: the DOM event (from an
 * init script, which the DevTools protocol injects past the policy) and the console line
 * Chromium writes for each, which also covers violations the event does not reach.
 */
async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.newPage();
  const logged: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content.Security.Policy|Permissions-Policy|Pagefind/i.test(text)) logged.push(`console ${message.type()}: ${text}`);
  });
  page.on('pageerror', (error) => logged.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  const violations = async () => [
    ...logged,
    ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)),
  ];
  return { page, violations };
}

describe('the Content-Security-Policy in a browser', () => {
  if (!publicPost || !gatedPost) throw new Error('the demo community needs a public and a gated post');

  it.each(['/', `/posts/${publicPost.slug}`, '/join', `/posts/${gatedPost.slug}`, '/no-such-page'])('%s loads without a violation', async (path) => {
    const { page, violations } = await watchedPage();
    const response = await page.goto(new URL(path, url).href, { waitUntil: 'load' });
    expect(response?.headers()['content-security-policy']).toBe(securityHeaders()['Content-Security-Policy']);
    // The stylesheet applied: a blocked one would leave the page unstyled, without an error.
    expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('still searches on /search, with Pagefind in its worker and WebAssembly', async () => {
    const { page, violations } = await watchedPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(new URL('/search?q=nest', url).href);
    await page.locator('.pagefind-ui__result').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.pagefind-ui__result').count()).toBeGreaterThan(0);
    expect(requested).toContain('/scripts/search-page.js');
    expect(requested).toContain('/pagefind/pagefind-worker.js');
    expect(requested.some((path) => /\/pagefind\/wasm\.[\w-]+\.pagefind$/.test(path)), requested.join(' ')).toBe(true);
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('lets a sandboxed srcdoc iframe render, without its inline styles', async () => {
    const { page, violations } = await watchedPage();
    const email = '<p id="greeting" style="color: rgb(255, 0, 0)">Your sign-in link</p>';
    await page.route(new URL('/csp-srcdoc-check', url).href, (route) =>
      route.fulfill({
        status: 200,
        headers: { ...securityHeaders(), 'Content-Type': 'text/html; charset=utf-8' },
        body: `<!doctype html><title>outbox</title><iframe sandbox title="email" srcdoc="${email.replaceAll('"', '&quot;')}"></iframe>`,
      }),
    );
    await page.goto(new URL('/csp-srcdoc-check', url).href);
    const frame = page.frameLocator('iframe[title="email"]');
    await expect(frame.locator('#greeting').textContent()).resolves.toBe('Your sign-in link');
    // The frame inherits the policy: the email's style attribute is refused, as accepted.
    expect(await frame.locator('#greeting').evaluate((element) => getComputedStyle(element).color)).not.toBe('rgb(255, 0, 0)');
    expect((await violations()).filter((line) => !/style-src/.test(line))).toEqual([]);
    await page.close();
  });

  it('notices inline script, which is how the checks above can fail', async () => {
    const { page, violations } = await watchedPage();
    await page.route(new URL('/csp-inline-check', url).href, (route) =>
      route.fulfill({
        status: 200,
        headers: { ...securityHeaders(), 'Content-Type': 'text/html; charset=utf-8' },
        body: '<!doctype html><title>inline</title><script>document.title = "ran"</script><p style="color: red">styled</p>',
      }),
    );
    await page.goto(new URL('/csp-inline-check', url).href);
    expect(await page.title()).toBe('inline');
    const found = await violations();
    expect(found.some((line) => /script-src/.test(line))).toBe(true);
    expect(found.some((line) => /style-src/.test(line))).toBe(true);
    await page.close();
  });
});

describe('the security headers on responses', () => {
  it.each([
    ['a static page', '/'],
    ['a static file', '/pagefind/pagefind-ui.js'],
    ['the search script', '/scripts/search-page.js'],
    ['an on-demand page', `/posts/${gatedPost?.slug}`],
    ['the not-found page', '/no-such-page'],
  ])('are all on %s (%s)', async (_what, path) => {
    const response = await fetch(new URL(path, url));
    await response.arrayBuffer();
    for (const [name, value] of Object.entries(securityHeaders())) expect(response.headers.get(name), name).toBe(value);
  });
});
