import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

/**
 * The Content-Security-Policy forbids inline script and inline styles, so anything of the
 * kind in a page would be blocked in the reader's browser. This finds it at build time.
 */

type Tag = { name: string; attributes: Map<string, string> };

const tagPattern = /<!--[\s\S]*?-->|<([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const attributePattern = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Opening tags with their attributes; comments are skipped, as a browser does. */
function tags(html: string): Tag[] {
  const found: Tag[] = [];
  for (const [, name, rawAttributes = ''] of html.matchAll(tagPattern)) {
    if (!name) continue;
    const attributes = new Map<string, string>();
    for (const [, key = '', double, single, bare] of rawAttributes.matchAll(attributePattern)) {
      attributes.set(key.toLowerCase(), decodeEntities(double ?? single ?? bare ?? ''));
    }
    found.push({ name: name.toLowerCase(), attributes });
  }
  return found;
}

/** Enough entity decoding that `jav&#x61;script:` is still seen for what it is. */
function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;|&newline;/gi, '');
}

/** Everything in a page the policy would block, one line each. */
function inlineCode(html: string): string[] {
  const problems: string[] = [];
  for (const { name, attributes } of tags(html)) {
    // JSON-LD is data the browser never runs, so it is the one inline <script> allowed.
    const type = attributes.get('type')?.trim().toLowerCase();
    if (name === 'script' && !attributes.has('src') && type !== 'application/ld+json') problems.push('<script> without src');
    if (name === 'style') problems.push('<style> element');
    for (const [key, value] of attributes) {
      if (/^on/.test(key)) problems.push(`${key}= on <${name}>`);
      if (key === 'style') problems.push(`style= on <${name}>`);
      // Browsers ignore control characters and spaces inside a scheme.
      if (/^javascript:/i.test(value.replace(/[\u0000-\u0020]/g, ''))) problems.push(`javascript: URL in ${key}= on <${name}>`);
    }
  }
  return problems;
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the built pages', () => {
  const clientDir = join(inject('siteDir'), 'client');
  const files = htmlFiles(clientDir);

  it('include the pages the checks are about', () => {
    const paths = files.map((file) => relative(clientDir, file));
    expect(paths).toContain('index.html');
    expect(paths).toContain('search/index.html');
    expect(paths.filter((path) => path.startsWith('posts/')).length).toBeGreaterThan(3);
  });

  it('carry no inline script, event handlers, javascript: URLs or inline styles', () => {
    const problems = files.flatMap((file) => inlineCode(readFileSync(file, 'utf8')).map((problem) => `${relative(clientDir, file)}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('load the search scripts as files', () => {
    const search = readFileSync(join(clientDir, 'search/index.html'), 'utf8');
    const sources = tags(search).filter((tag) => tag.name === 'script').map((tag) => tag.attributes.get('src'));
    expect(sources).toEqual(['/pagefind/pagefind-ui.js', '/scripts/search-page.js']);
  });
});

describe('the check itself', () => {
  it('flags each kind of inline code and lets files and JSON-LD through', () => {
    const page = `<!doctype html><html><head>
      <script>alert(1)</script>
      <script type="module">import './x.js'</script>
      <script src="/ok.js"></script>
      <script type="application/ld+json">{"@type":"Article"}</script>
      <!-- <script>commented out</script> -->
      <style>p { color: red }</style>
      </head><body>
      <img src="x.png" alt="x" onerror="alert(1)">
      <p title="a > b" style="color: red">text</p>
      <a href=" jav&#x61;script:alert(1)">link</a>
      <form action="JavaScript:void(0)"></form>
      <a href="/posts/javascript-tips">fine</a>
      </body></html>`;
    expect(inlineCode(page)).toEqual([
      '<script> without src',
      '<script> without src',
      '<style> element',
      'onerror= on <img>',
      'style= on <p>',
      'javascript: URL in href= on <a>',
      'javascript: URL in action= on <form>',
    ]);
  });
});
