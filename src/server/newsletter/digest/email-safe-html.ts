/**
 * A post's rendered HTML made fit for an email: an allow-list of tags, each given its
 * own inline style (mail clients drop stylesheets and classes), links and images made
 * absolute, and nothing that runs or fetches on its own (scripts, frames, forms, styles).
 * Whatever the post's HTML carried — classes, ids, its own styles — is replaced, not kept.
 */
import sanitizeHtml from 'sanitize-html';
import { fonts, palette } from '../../mail/templates/palette.ts';

const text = `font-family:${fonts.ui};color:${palette.text};`;

/** Every tag an email body may hold, with the style it gets. */
const tagStyles: Record<string, string> = {
  p: `margin:0 0 16px;${text}font-size:16px;line-height:1.6;`,
  h2: `margin:28px 0 12px;${text}font-size:20px;line-height:1.3;font-weight:700;`,
  h3: `margin:24px 0 8px;${text}font-size:17px;line-height:1.3;font-weight:700;`,
  ul: `margin:0 0 16px;padding:0 0 0 24px;${text}font-size:16px;line-height:1.6;`,
  ol: `margin:0 0 16px;padding:0 0 0 24px;${text}font-size:16px;line-height:1.6;`,
  li: 'margin:0 0 6px;',
  blockquote: `margin:0 0 16px;padding:4px 0 4px 16px;border-left:3px solid ${palette.border};`,
  a: `color:${palette.accent};text-decoration:underline;`,
  img: 'display:block;max-width:100%;height:auto;border:0;margin:0 auto;',
  figure: 'margin:0 0 20px;',
  figcaption: `margin:8px 0 0;font-family:${fonts.ui};font-size:14px;line-height:1.5;color:${palette.muted};`,
  code: `font-family:${fonts.mono};font-size:14px;`,
  pre: `margin:0 0 16px;padding:12px;background-color:${palette.codeBackground};border-radius:6px;font-family:${fonts.mono};font-size:14px;line-height:1.5;color:${palette.text};white-space:pre-wrap;word-wrap:break-word;`,
  hr: `margin:24px 0;border:0;border-top:1px solid ${palette.border};`,
  table: `width:100%;margin:0 0 16px;border-collapse:collapse;${text}font-size:14px;line-height:1.4;`,
  th: `padding:6px 8px;border-bottom:2px solid ${palette.border};text-align:left;vertical-align:bottom;font-weight:700;`,
  td: `padding:6px 8px;border-bottom:1px solid ${palette.border};text-align:left;vertical-align:top;`,
  div: '',
  strong: '',
  em: '',
  b: '',
  i: '',
  s: '',
  del: '',
  sup: '',
  sub: '',
  small: '',
  span: '',
  br: '',
  thead: '',
  tbody: '',
  tr: '',
};

// A callout (an <aside> on the site) becomes a box with a coloured edge.
const calloutStyle = `margin:0 0 16px;padding:12px 16px 0;border-left:4px solid ${palette.accent};background-color:${palette.codeBackground};`;

/** Tags emails do not have, mapped to the nearest one they do. */
const renamed: Record<string, string> = { h1: 'h2', h4: 'h3', h5: 'h3', h6: 'h3', aside: 'div', kbd: 'code', samp: 'code' };

/** The attributes each tag keeps (besides its style). */
const keptAttributes: Record<string, string[]> = { a: ['href'], img: ['src', 'alt'], th: ['colspan', 'rowspan'], td: ['colspan', 'rowspan'] };

// Dropped with everything inside them: their content is not text a reader should get.
const droppedWithContent = ['script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'form', 'button', 'select', 'textarea', 'option', 'svg', 'math', 'video', 'audio', 'canvas'];

/**
 * `html` as email-safe HTML. Relative links and image addresses are resolved against
 * `baseUrl` (the post's own address, so `#notes` and `/posts/x` both land right).
 */
export function emailSafeHtml(html: string, baseUrl: string): string {
  const transform = (tag: string, attributes: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    let tagName = renamed[tag] ?? tag;
    const kept: Record<string, string> = {};
    for (const name of keptAttributes[tagName] ?? []) {
      const value = attributes[name];
      if (value === undefined) continue;
      const safe = name === 'href' || name === 'src' ? absolute(value, baseUrl) : value;
      if (safe !== undefined) kept[name] = safe;
    }
    if (tagName === 'img') kept.alt ??= '';
    // A link whose address was refused keeps its words, as plain text.
    if (tagName === 'a' && kept.href === undefined) tagName = 'span';
    const style = tag === 'aside' ? calloutStyle : tagStyles[tagName];
    if (style) kept.style = style;
    if (tagName === 'table') Object.assign(kept, { width: '100%', cellpadding: '0', cellspacing: '0' });
    return { tagName, attribs: kept };
  };
  return sanitizeHtml(html, {
    allowedTags: Object.keys(tagStyles),
    allowedAttributes: {
      '*': ['style'],
      ...keptAttributes,
      table: ['width', 'cellpadding', 'cellspacing'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    // The styles are ours, written above: no need to parse them back.
    parseStyleAttributes: false,
    nonTextTags: droppedWithContent,
    transformTags: { '*': transform },
    // An image without a usable address is dropped.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  }).trim();
}

/**
 * Email-safe HTML without its inline styles, for showing a digest on the site, whose
 * security policy allows stylesheets from files only.
 */
export function withoutInlineStyles(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: Object.keys(tagStyles),
    allowedAttributes: keptAttributes,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    nonTextTags: droppedWithContent,
  });
}

/** An absolute http(s) or mailto URL, or undefined for anything else (javascript:, data:, garbage). */
function absolute(url: string, baseUrl: string): string | undefined {
  if (!URL.canParse(url.trim(), baseUrl)) return undefined;
  const resolved = new URL(url.trim(), baseUrl);
  return ['http:', 'https:', 'mailto:'].includes(resolved.protocol) ? resolved.href : undefined;
}
