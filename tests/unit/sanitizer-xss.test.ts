import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeSubset } from '../../src/server/discussions/render-markdown.ts';

type Element = DefaultTreeAdapterTypes.Element;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;

const allowedElements = new Set(['p', 'br', 'em', 'strong', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre']);
const rel = 'nofollow ugc noopener';

/**
 * Parses HTML as a browser would, placed in a page's body, and lists every way it breaks
 * the allowlist. Checked on the parsed tree, since string matching misses what a
 * browser's parser builds (`<scr<script>ipt>`, entity-encoded schemes, unclosed tags).
 */
function problemsIn(html: string): string[] {
  const document = parse(`<!doctype html><html><head></head><body>${html}</body></html>`);
  const root = document.childNodes.find((node): node is Element => node.nodeName === 'html')!;
  const [head, body] = root.childNodes.filter((node): node is Element => 'tagName' in node);
  const problems: string[] = [];
  if (head?.childNodes.length) problems.push(`content in <head>: ${head.childNodes.map((node) => node.nodeName).join(', ')}`);
  if (!body) return [...problems, 'no <body>'];
  const visit = (node: ChildNode) => {
    if (node.nodeName === '#text') return;
    if (!('tagName' in node)) {
      problems.push(`a ${node.nodeName} node`);
      return;
    }
    if (!allowedElements.has(node.tagName) || node.namespaceURI !== 'http://www.w3.org/1999/xhtml') problems.push(`element <${node.tagName}>`);
    for (const { name, value } of node.attrs) {
      if (name.toLowerCase().startsWith('on')) problems.push(`event handler ${name} on <${node.tagName}>`);
      else if (node.tagName === 'a' && name === 'href') {
        if (!isSafeHref(value)) problems.push(`href ${JSON.stringify(value)}`);
      } else if (node.tagName === 'a' && name === 'class') {
        if (value !== 'mention') problems.push(`class ${JSON.stringify(value)} on <a>`);
      } else if (node.tagName === 'a' && name === 'rel') {
        if (value !== rel) problems.push(`rel ${JSON.stringify(value)}`);
      } else if (node.tagName === 'ol' && name === 'start') {
        if (!/^\d+$/.test(value)) problems.push(`start ${JSON.stringify(value)}`);
      } else problems.push(`attribute ${name} on <${node.tagName}>`);
    }
    if (node.tagName === 'a' && node.attrs.find((attr) => attr.name === 'rel')?.value !== rel) problems.push('a link without rel');
    for (const child of node.childNodes) visit(child);
  };
  for (const child of body.childNodes) visit(child);
  return problems;
}

/** Each element in the body of a page holding `html`, with its href and text. */
function elementsIn(html: string): { name: string; href: string | undefined; text: string }[] {
  const elements: { name: string; href: string | undefined; text: string }[] = [];
  const textOf = (node: ChildNode): string => ('value' in node ? node.value : 'childNodes' in node ? node.childNodes.map(textOf).join('') : '');
  const visit = (node: ChildNode) => {
    if (!('tagName' in node)) return;
    elements.push({ name: node.tagName, href: node.attrs.find((attr) => attr.name === 'href')?.value, text: textOf(node) });
    node.childNodes.forEach(visit);
  };
  const root = parse(`<!doctype html><body>${html}`).childNodes.find((node): node is Element => node.nodeName === 'html')!;
  root.childNodes.filter((node): node is Element => node.nodeName === 'body').forEach((body) => body.childNodes.forEach(visit));
  return elements;
}

// Independent of the code under test: what a browser would do with the href.
function isSafeHref(href: string): boolean {
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(href)) return false;
  if (href.startsWith('/')) return !/^\/[/\\]/.test(href);
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(href).protocol);
  } catch {
    return false;
  }
}

const rawHtml = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<IMG SRC=x OnErRoR=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg/onload=alert(1)>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<button formaction="javascript:alert(1)">go</button>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="&#x6A;avascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<a href="java\nscript:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="&#14;javascript:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="//evil.example/">x</a>',
  '<a href="/\\evil.example/">x</a>',
  '<a href="https://example.com" target="_blank" style="color:red" class="mention evil">ok</a>',
  "<a href='x' onclick=\"alert('1')\">x</a>",
  '<div onmouseover="alert(1)">hover</div>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
  '<svg><style>&lt;img src=x onerror=alert(1)&gt;</style></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">x</math>',
  '<math><mi xlink:href="data:x,<script>alert(1)</script>">x</mi></math>',
  '<img src="x',
  '<img src=x onerror="alert(1)"',
  '<<script>alert(1);//<</script>',
  '<scr<script>ipt>alert(1)</script>',
  '"><script>alert(1)</script>',
  '\'"><img src=x onerror=alert(1)>',
  '<img """><script>alert(1)</script>">',
  '<!-- <img src=x onerror=alert(1)> -->',
  '<!--><img src=x onerror=alert(1)>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<textarea><script>alert(1)</script></textarea>',
  '<title><img src=x onerror=alert(1)></title>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel=stylesheet href=//evil.example/x.css>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror=alert(1)></video>',
  '<template><img src=x onerror=alert(1)></template>',
  '<xss onafterscriptexecute=alert(1)><script>1</script>',
  '<ol start="1 onclick=alert(1)"><li>x</li></ol>',
  '<p>ok</p></div></body><script>alert(1)</script>',
  '<a href="\u0001javascript:alert(1)">x</a>',
  '<a href="java\u0000script:alert(1)">x</a>',
  '<a href="\u2028javascript:alert(1)">x</a>',
];

const markdownPayloads = [
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](<javascript:alert(1)>)',
  '[x](&#106;avascript:alert(1))',
  '[x](&#x6A;avascript&#58;alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x](java%0Ascript:alert(1))',
  '[x](java&#9;script:alert(1))',
  '[x](<java\nscript:alert(1)>)',
  '[x](  javascript:alert(1)  )',
  '[x](\u200Bjavascript:alert(1))',
  '[x](javascript\u200B:alert(1))',
  '[x](\uFF4A\uFF41\uFF56\uFF41\uFF53\uFF43\uFF52\uFF49\uFF50\uFF54:alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](data:image/png;base64,iVBORw0KGgo=)',
  '[x](vbscript:msgbox(1))',
  '[x](file:///etc/passwd)',
  '[x](//evil.example/phish)',
  '[x](/\\evil.example/phish)',
  '<javascript:alert(1)>',
  '<JAVASCRIPT:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '<vbscript:msgbox(1)>',
  '<http://example.com/"><script>alert(1)</script>>',
  '[x][r]\n\n[r]: javascript:alert(1)',
  '[x][r]\n\n[r]: <javascript:alert(1)> "title"',
  '[r]\n\n[r]: data:text/html,hi',
  '![img](x" onerror="alert(1))',
  '![img](javascript:alert(1))',
  '![img](https://example.com/a.png "x\\" onerror=\\"alert(1)")',
  '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
  "[x](https://example.com 'it\\'s\" onclick=\"alert(1)')",
  '[x](https://example.com" onclick="alert(1))',
  '[x](https://example.com/%22%3E%3Cscript%3Ealert(1)%3C/script%3E)',
  'https://example.com/"onmouseover="alert(1)',
  'https://example.com/<img src=x onerror=alert(1)>',
  'wren@example.com"onmouseover="alert(1)',
  '[<img src=x onerror=alert(1)>](https://example.com)',
  '[x](https://example.com)<img src=x onerror=alert(1)>',
  '`<script>alert(1)</script>`',
  '```\n<script>alert(1)</script>\n```',
  '```html onload=alert(1)\n<b>x</b>\n```',
  '```"><script>alert(1)</script>\nx\n```',
  '    <iframe src=javascript:alert(1)>',
  '> <img src=x onerror=alert(1)>',
  '- <svg onload=alert(1)>\n- [x](javascript:alert(1))',
  '**<img src=x onerror=alert(1)>**',
  '*[x](javascript:alert(1))*',
  '@wren"onmouseover="alert(1)',
  '@<script>alert(1)</script>',
  '[@wren](javascript:alert(1))',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;img src=x onerror=alert(1)&#62;',
  '# <script>alert(1)</script>',
  '| a | <img src=x onerror=alert(1)> |\n|---|---|\n| 1 | 2 |',
  '1. x\n\n<ol start="1 onclick=alert(1)">',
  `${'>'.repeat(200)} deep <img src=x onerror=alert(1)>`,
  `${'*['.repeat(100)}x${'](javascript:alert(1))*'.repeat(100)}`,
];

describe('the XSS corpus', () => {
  it('is big enough to mean something', () => {
    expect(rawHtml.length + markdownPayloads.length).toBeGreaterThanOrEqual(60);
  });

  it('is checked by a checker that does catch unsafe HTML', () => {
    expect(problemsIn('<img src=x onerror=alert(1)>')).toEqual(['element <img>', 'attribute src on <img>', 'event handler onerror on <img>']);
    expect(problemsIn('<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>')).toEqual(['href "java\\tscript:alert(1)"']);
    expect(problemsIn('<a href="/x" class="evil">x</a>')).toEqual(['class "evil" on <a>', 'a link without rel']);
    expect(problemsIn('<svg><a>x</a></svg>')).toEqual(['element <svg>', 'element <a>', 'a link without rel']);
    expect(problemsIn('<!-- x --><p title="t">x</p>')).toEqual(['a #comment node', 'attribute title on <p>']);
    expect(problemsIn('<p>fine <a href="/members/wren" class="mention" rel="nofollow ugc noopener">@wren</a></p>')).toEqual([]);
  });
});

describe('renderMarkdown on hostile input', () => {
  it.each([...rawHtml, ...markdownPayloads])('renders %j with nothing outside the allowlist', (payload) => {
    expect(problemsIn(renderMarkdown(payload).html)).toEqual([]);
  });

  it.each(rawHtml)('shows raw HTML %j as text, never as elements', (payload) => {
    // Only what markdown wraps text in: paragraphs, line breaks, and a web address in the
    // text linked to itself.
    const made = elementsIn(renderMarkdown(payload).html).filter(
      ({ name, href, text }) => !(name === 'p' || name === 'br' || (name === 'a' && href !== undefined && href === text)),
    );
    expect(made).toEqual([]);
  });
});

describe('sanitizeSubset on HTML the parser should never have produced', () => {
  it.each([...rawHtml, ...markdownPayloads])('leaves %j with nothing outside the allowlist', (payload) => {
    expect(problemsIn(sanitizeSubset(payload))).toEqual([]);
  });

  it('keeps the elements the subset does produce', () => {
    const html = sanitizeSubset('<ol start="3"><li><a href="/members/wren" class="mention">@wren</a> <a href="https://example.com" title="t">x</a></li></ol>');
    expect(html).toBe(
      '<ol start="3"><li><a href="/members/wren" class="mention" rel="nofollow ugc noopener">@wren</a> <a href="https://example.com" rel="nofollow ugc noopener">x</a></li></ol>',
    );
  });
});
