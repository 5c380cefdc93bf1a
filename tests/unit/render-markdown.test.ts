import { describe, expect, it } from 'vitest';
import { excerpt, isAllowedHref, plainText, renderMarkdown } from '../../src/server/discussions/render-markdown.ts';

const html = (source: string) => renderMarkdown(source).html.trim();
const rel = 'rel="nofollow ugc noopener"';

describe('renderMarkdown', () => {
  it('renders paragraphs, line breaks, emphasis and strong as written', () => {
    expect(html('First *soft* and **loud**\nsame paragraph\n\nSecond _one_')).toBe(
      '<p>First <em>soft</em> and <strong>loud</strong><br />\nsame paragraph</p>\n<p>Second <em>one</em></p>',
    );
  });

  it('renders lists, keeping where a numbered list starts', () => {
    expect(html('- tea\n- cake\n\n3. three\n4. four')).toBe('<ul>\n<li>tea</li>\n<li>cake</li>\n</ul>\n<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>');
    expect(html('1. one\n   - nested')).toBe('<ol>\n<li>one\n<ul>\n<li>nested</li>\n</ul>\n</li>\n</ol>');
  });

  it('renders quotes', () => {
    expect(html('> said before\n> and more\n\nmy reply')).toBe('<blockquote>\n<p>said before<br />\nand more</p>\n</blockquote>\n<p>my reply</p>');
  });

  it('shows code with its < and & as characters, without a language class', () => {
    expect(html('Use `a < b && c`')).toBe('<p>Use <code>a &lt; b &amp;&amp; c</code></p>');
    expect(html('```ts\nif (a < b) {\n  <T>x;\n}\n```')).toBe('<pre><code>if (a &lt; b) {\n  &lt;T&gt;x;\n}\n</code></pre>');
    expect(html('    <div>indented</div>')).toBe('<pre><code>&lt;div&gt;indented&lt;/div&gt;\n</code></pre>');
  });

  it('links with rel="nofollow ugc noopener" and no target', () => {
    expect(html('[the guide](https://example.com/guide "Guide")')).toBe(`<p><a href="https://example.com/guide" ${rel}>the guide</a></p>`);
    expect(html('[members](/members)')).toBe(`<p><a href="/members" ${rel}>members</a></p>`);
    expect(html('[write](mailto:wren@example.com)')).toBe(`<p><a href="mailto:wren@example.com" ${rel}>write</a></p>`);
    expect(html('[x][ref]\n\n[ref]: https://example.com/r')).toBe(`<p><a href="https://example.com/r" ${rel}>x</a></p>`);
  });

  it('autolinks web addresses and emails, but not bare file names', () => {
    expect(html('See https://example.com/a?b=1&c=2. Or <https://example.com/b>.')).toBe(
      `<p>See <a href="https://example.com/a?b=1&amp;c=2" ${rel}>https://example.com/a?b=1&amp;c=2</a>. Or <a href="https://example.com/b" ${rel}>https://example.com/b</a>.</p>`,
    );
    expect(html('Mail wren@example.com')).toBe(`<p>Mail <a href="mailto:wren@example.com" ${rel}>wren@example.com</a></p>`);
    expect(html('Open notes.md or main.py')).toBe('<p>Open notes.md or main.py</p>');
  });

  it('leaves links to anywhere but http, https, mailto and this site as the text typed', () => {
    expect(html('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>');
    expect(html('[x](//evil.example/)')).toBe('<p>[x](//evil.example/)</p>');
    expect(html('[x](relative/page)')).toBe('<p>[x](relative/page)</p>');
    expect(html('[x](ftp://example.com/file)')).toBe('<p>[x](ftp://example.com/file)</p>');
  });

  it('links mentions to the member, keeping the case written', () => {
    expect(html('Thanks @Wren_2, and @ada.')).toBe(
      `<p>Thanks <a href="/members/wren_2" class="mention" ${rel}>@Wren_2</a>, and <a href="/members/ada" class="mention" ${rel}>@ada</a>.</p>`,
    );
  });

  it('does not link a mention in code, in a link, in an address or in an email', () => {
    expect(html('`@wren` [@ada](https://example.com) https://social.example/@kit wren@example.com')).toBe(
      `<p><code>@wren</code> <a href="https://example.com" ${rel}>@ada</a> <a href="https://social.example/@kit" ${rel}>https://social.example/@kit</a> <a href="mailto:wren@example.com" ${rel}>wren@example.com</a></p>`,
    );
  });

  it('links only the first 20 people mentioned, every time they appear', () => {
    const handles = Array.from({ length: 21 }, (_, index) => `@member${index}`);
    const rendered = html(`${handles.join(' ')} @member0`);
    expect(rendered.match(/class="mention"/g)).toHaveLength(21);
    expect(rendered).toContain(' @member20 <a href="/members/member0"');
  });

  it('shows raw HTML as the text typed', () => {
    expect(html('<b>bold?</b> <img src="x.png">')).toBe('<p>&lt;b&gt;bold?&lt;/b&gt; &lt;img src="x.png"&gt;</p>');
    expect(html('<div>\nblock\n</div>')).toBe('<p>&lt;div&gt;<br />\nblock<br />\n&lt;/div&gt;</p>');
  });

  it('shows headings, rules, tables and strikethrough as the text typed', () => {
    expect(html('# Big news\n\n## Smaller')).toBe('<p># Big news</p>\n<p>## Smaller</p>');
    expect(html('Title\n=====')).toBe('<p>Title<br />\n=====</p>');
    expect(html('---')).toBe('<p>---</p>');
    expect(html('| a | b |\n|---|---|\n| 1 | 2 |')).toBe('<p>| a | b |<br />\n|---|---|<br />\n| 1 | 2 |</p>');
    expect(html('~~gone~~')).toBe('<p>~~gone~~</p>');
  });

  it('shows an image as a link to it, never an <img>', () => {
    expect(html('![a cat](https://example.com/cat.png)')).toBe(`<p>!<a href="https://example.com/cat.png" ${rel}>a cat</a></p>`);
  });
});

describe('isAllowedHref', () => {
  it('allows http, https, mailto and site paths', () => {
    for (const href of ['https://example.com/', 'HTTP://EXAMPLE.COM', 'mailto:wren@example.com', '/members/wren', '/']) expect(isAllowedHref(href), href).toBe(true);
  });

  it('refuses other schemes, other hosts by //, and anything with whitespace', () => {
    for (const href of ['javascript:alert(1)', 'data:text/html,x', '//evil.example', '/\\evil.example', 'https://', 'x/y', '#top', ' https://example.com', 'java\tscript:x', 'https://exa mple.com']) {
      expect(isAllowedHref(href), href).toBe(false);
    }
  });
});

describe('plainText', () => {
  it('keeps the words and structure, drops the markup', () => {
    const source = 'Hi **all**, see [the guide](https://example.com/g) and [home](/).\nThanks @wren\n\n> quoted *line*\n\n- one\n- `two`\n\n2. b\n3. c\n\n```\n<code>\n```';
    expect(plainText(source)).toBe('Hi all, see the guide (https://example.com/g) and home.\nThanks @wren\n\n> quoted line\n\n- one\n- two\n\n2. b\n3. c\n\n<code>');
  });

  it('does not repeat an address that is already the link text', () => {
    expect(plainText('https://example.com and wren@example.com')).toBe('https://example.com and wren@example.com');
  });
});

describe('excerpt', () => {
  it('returns short text whole, on one line', () => {
    expect(excerpt('A *short*\n\npost', 40)).toBe('A short post');
  });

  it('cuts at a word and marks the cut, within the limit', () => {
    const cut = excerpt('The meeting moved to Thursday, because of the holiday.', 30);
    expect(cut).toBe('The meeting moved to Thursday…');
    expect(Array.from(cut).length).toBeLessThanOrEqual(30);
    expect(excerpt('The meeting moved to Thursday', 24)).toBe('The meeting moved to…');
  });

  it('never splits an emoji', () => {
    expect(excerpt('😀😀😀😀😀😀', 4)).toBe('😀😀😀…');
  });
});
