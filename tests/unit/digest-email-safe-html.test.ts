import { describe, expect, it } from 'vitest';
import { emailSafeHtml, withoutInlineStyles } from '../../src/server/newsletter/digest/email-safe-html.ts';
import { htmlToText } from '../../src/server/newsletter/digest/html-to-text.ts';

const postUrl = 'https://hedgerow.example/posts/frost';
const safe = (html: string) => emailSafeHtml(html, postUrl);

describe('email-safe HTML', () => {
  it('styles every element inline and drops classes, ids and the post’s own styles', () => {
    const out = safe('<h2 id="frost" class="big" style="color:red">Frost</h2><p class="lede">Cold <strong>morning</strong></p>');
    expect(out).toMatch(/^<h2 style="margin:28px 0 12px;[^"]*font-weight:700;">Frost<\/h2><p style="margin:0 0 16px;[^"]*">Cold <strong>morning<\/strong><\/p>$/);
    expect(out).not.toMatch(/class=|id=|color:red/);
  });

  it('makes links and images absolute on the post’s address, keeps alt text, limits image width', () => {
    const out = safe('<p><a href="/posts/owls">owls</a> <a href="#notes">notes</a> <a href="https://example.com/x">x</a></p><img src="/_astro/meadow.svg" alt="A meadow" width="1600" loading="lazy">');
    expect(out).toContain('href="https://hedgerow.example/posts/owls"');
    expect(out).toContain('href="https://hedgerow.example/posts/frost#notes"');
    expect(out).toContain('href="https://example.com/x"');
    expect(out).toMatch(/<img src="https:\/\/hedgerow.example\/_astro\/meadow.svg" alt="A meadow" style="[^"]*max-width:100%[^"]*" \/>/);
    expect(out).not.toContain('1600');
    expect(out).not.toContain('loading');
  });

  it('removes scripts, styles, frames and forms with their content, and dangerous links', () => {
    const out = safe(
      '<p>Kept</p><script>alert("s")</script><style>p{color:red}</style><iframe src="https://evil.example">frame words</iframe>' +
        '<form action="/x"><input name="q"><button>Send it</button></form><p><a href="javascript:alert(1)">click</a><img src="data:image/png;base64,AAAA" alt="pixel"><img onerror="alert(1)" src="/a.png" alt=""></p>',
    );
    expect(out).not.toMatch(/script|alert|<style|color:red|iframe|frame words|form|input|Send it|javascript|data:|onerror/);
    expect(out).toContain('Kept');
    // A refused link keeps its words; the image with a good address stays.
    expect(out).toContain('<span>click</span>');
    expect(out).toContain('src="https://hedgerow.example/a.png"');
  });

  it('keeps the structure email clients understand: lists, quotes, figures, code, rules, tables', () => {
    const out = safe(
      '<ul><li>a</li></ul><ol><li>b</li></ol><blockquote><p>q</p></blockquote><figure class="figure"><p><img src="/m.svg" alt="m"></p><figcaption>cap</figcaption></figure>' +
        '<pre class="astro-code" style="background:#000"><code><span style="color:#f00">const</span> a = 1;</code></pre><hr><table><thead><tr><th align="center">h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>',
    );
    for (const tag of ['ul', 'ol', 'li', 'blockquote', 'figure', 'figcaption', 'pre', 'code', 'table', 'th', 'td']) expect(out).toMatch(new RegExp(`<${tag} style="[^"]+"`));
    expect(out).toMatch(/<hr style="[^"]+" \/>/);
    expect(out).not.toMatch(/#000|#f00|align=/);
  });

  it('turns headings and callouts into what emails have', () => {
    const out = safe('<h1>Top</h1><h4>Small</h4><aside class="callout callout-tip"><p class="callout-title">Tip</p><div class="callout-body"><p>Go early.</p></div></aside>');
    expect(out).toMatch(/^<h2 style="[^"]+">Top<\/h2><h3 style="[^"]+">Small<\/h3><div style="[^"]*border-left:4px solid[^"]*"><p [^>]+>Tip<\/p><div><p [^>]+>Go early.<\/p><\/div><\/div>$/);
  });

  it('drops the paywall marker (a comment) and keeps escaped text escaped', () => {
    expect(safe('<p>a &lt;b&gt; &amp; c</p><!--coterie:paywall--><p>d</p>')).toMatch(/^<p [^>]+>a &lt;b&gt; &amp; c<\/p><p [^>]+>d<\/p>$/);
  });

  it('has a style-free twin for the web, where the security policy refuses inline styles', () => {
    const web = withoutInlineStyles(safe('<h2>Frost</h2><p><a href="/x">x</a><img src="/a.png" alt="A"></p>'));
    expect(web).toBe('<h2>Frost</h2><p><a href="https://hedgerow.example/x">x</a><img src="https://hedgerow.example/a.png" alt="A" /></p>');
  });
});

describe('plain text of an email body', () => {
  it('writes headings, paragraphs, lists, quotes, tables and links as text', () => {
    const text = htmlToText(
      safe(
        '<p>Hello <strong>there</strong> &amp; see <a href="/posts/owls">the owls</a> or <a href="https://example.com">https://example.com</a>.</p>' +
          '<h2>The verdicts</h2><h3>Detail</h3><ul><li>One</li><li>Two<ul><li>Nested</li></ul></li></ul><ol><li><p>First</p><p>more</p></li><li>Second</li></ol>' +
          '<blockquote><p>A frost morning is short.</p><p>Go.</p></blockquote><table><tr><th>What</th><th>Is</th></tr><tr><td>A bird</td><td>A moth</td></tr></table>' +
          '<figure><p><img src="/m.svg" alt="A meadow"></p><figcaption>The field</figcaption></figure><pre><code>a &lt; b\n  indented</code></pre><hr><p>line<br>break</p>',
      ),
    );
    expect(text).toBe(
      [
        'Hello there & see the owls (https://hedgerow.example/posts/owls) or https://example.com.',
        '## The verdicts',
        '### Detail',
        '- One\n- Two\n  - Nested',
        '1. First\n   more\n2. Second',
        '> A frost morning is short.\n>\n> Go.',
        'What | Is\nA bird | A moth',
        '[A meadow]',
        'The field',
        'a < b\n  indented',
        '----',
        'line\nbreak',
      ].join('\n\n'),
    );
  });

  it('decodes entities and keeps words that look like markup as words', () => {
    expect(htmlToText('<p>&lt;script&gt; &quot;quoted&quot; &#39;single&#39; caf&#233; &#x2014;</p>')).toBe('<script> "quoted" \'single\' café —');
  });
});
