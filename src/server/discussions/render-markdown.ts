/**
 * A member's markdown to the HTML stored beside it, rendered once at write time.
 *
 * The subset: paragraphs, line breaks (a single newline is a break), *emphasis*,
 * **strong**, links and bare `https://` / email autolinks, lists, blockquotes, `code`,
 * and fenced or indented code blocks. Everything else is shown as the member typed it:
 * `# Heading` stays a paragraph reading "# Heading", `![alt](url)` reads "!" then a link
 * to the url, and raw HTML such as `<b>` is escaped text, never parsed. Links go only to
 * http, https, mailto or a path on this site (`/…`); any other destination leaves the
 * markdown as written. Sanitizing is the last step, with an allowlist of exactly what the
 * subset produces, so a parser bug cannot reach a reader.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { linkMentions } from './mentions.ts';

const markdown = new MarkdownIt('zero', { breaks: true, linkify: true }).enable([
  'blockquote',
  'code',
  'fence',
  'list',
  'reference',
  'newline',
  'escape',
  'backticks',
  'emphasis',
  'link',
  'autolink',
  'entity',
  'linkify',
]);
// Bare domains (`notes.md`, `main.py`) are file names far more often than links here.
markdown.linkify.set({ fuzzyLink: false, fuzzyEmail: true, fuzzyIP: false });
markdown.validateLink = isAllowedHref;
markdown.core.ruler.push('mentions', (state) => linkMentions(state));

// Past `maxNesting` levels of quotes and lists, markdown-it stops reading blocks and drops
// the rest of the text without a word. This notes the first line it would drop, so the
// body can be refused with a reason instead (see body-rules.ts).
const tokenizeBlocks = markdown.block.tokenize.bind(markdown.block);
markdown.block.tokenize = (state, startLine, endLine) => {
  const line = state.skipEmptyLines(startLine);
  const env = state.env as ParseEnv;
  if (state.level >= markdown.options.maxNesting && line < endLine && state.sCount[line]! >= state.blkIndent) env.tooDeepFromLine ??= line + 1;
  tokenizeBlocks(state, startLine, endLine);
};

type ParseEnv = { mentions?: unknown; tooDeepFromLine?: number };

const linkRel = 'nofollow ugc noopener';

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre'],
  allowedAttributes: { a: ['href', 'class', 'rel'], ol: ['start'] },
  allowedClasses: { a: ['mention'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: {
        ...(attribs.href !== undefined && isAllowedHref(attribs.href) ? { href: attribs.href } : {}),
        ...(attribs.class === 'mention' ? { class: 'mention' } : {}),
        rel: linkRel,
      },
    }),
    ol: (tagName, attribs) => {
      const kept: sanitizeHtml.Attributes = {};
      if (attribs.start !== undefined && /^\d{1,9}$/.test(attribs.start)) kept.start = attribs.start;
      return { tagName, attribs: kept };
    },
  },
};

/** Safe HTML for a post body; mentions link to `/members/<handle>` (see mentions.ts). */
export function renderMarkdown(source: string): { html: string } {
  const { tokens, env } = parse(source);
  return { html: sanitizeSubset(markdown.renderer.render(tokens, markdown.options, env)) };
}

/** The last step: whatever HTML it is given, only the subset's elements and attributes survive. */
export function sanitizeSubset(html: string): string {
  return sanitizeHtml(html, sanitizeOptions);
}

/** The subset's token stream and the handles it mentions, for readers of its structure. */
export function parseMarkdown(source: string): { tokens: Token[]; mentions: string[] } {
  const { tokens, env } = parse(source);
  return { tokens, mentions: Array.isArray(env.mentions) ? env.mentions.map(String) : [] };
}

function parse(source: string) {
  const env: ParseEnv = {};
  return { tokens: markdown.parse(source, env), env };
}

/** The first line (from 1) that sits too deep in quotes and lists to be shown, if any. */
export function tooDeepFromLine(source: string): number | undefined {
  return parse(source).env.tooDeepFromLine;
}

/**
 * Where a link may go: http(s) with a host, mailto, or a path on this site. Anything
 * with whitespace or control characters is refused outright, since browsers strip them
 * (`java\tscript:` runs as `javascript:`).
 */
export function isAllowedHref(href: string): boolean {
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(href)) return false;
  // `//host` and `/\host` are read by browsers as another host.
  if (href.startsWith('/')) return !href.startsWith('//') && !href.startsWith('/\\');
  if (!/^(https?|mailto):/i.test(href) || !URL.canParse(href)) return false;
  const url = new URL(href);
  return url.protocol === 'mailto:' || url.hostname !== '';
}

/**
 * A plain-text version for emails and notifications: no markup, paragraphs apart, list
 * items on their own lines after "- " or "1. ", quoted lines after "> ", a link's address
 * in brackets after its words. Not HTML-safe: it still holds whatever `<` the member typed.
 */
export function plainText(source: string): string {
  // `list` numbers the outermost list a block is in: items of one list share a line break.
  const blocks: { text: string; list: number | undefined }[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let outermostLists = 0;
  let quoteDepth = 0;
  let marker: string | undefined;
  const add = (text: string) => {
    const indent = '  '.repeat(Math.max(lists.length - 1, 0));
    const first = marker ?? (lists.length > 0 ? '  ' : '');
    const lines = text.split('\n').map((line, index) => `${'> '.repeat(quoteDepth)}${indent}${index === 0 ? first : ' '.repeat(first.length)}${line}`);
    blocks.push({ text: lines.map((line) => line.trimEnd()).join('\n'), list: lists.length > 0 ? outermostLists : undefined });
    marker = undefined;
  };
  for (const token of parseMarkdown(source).tokens) {
    if (token.type === 'blockquote_open') quoteDepth += 1;
    else if (token.type === 'blockquote_close') quoteDepth -= 1;
    else if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') {
      if (lists.length === 0) outermostLists += 1;
      lists.push({ ordered: token.type === 'ordered_list_open', next: Number(token.attrGet('start') ?? 1) });
    }
    else if (token.type === 'bullet_list_close' || token.type === 'ordered_list_close') lists.pop();
    else if (token.type === 'list_item_open') {
      const list = lists.at(-1);
      marker = list?.ordered ? `${list.next++}. ` : '- ';
    } else if (token.type === 'inline') add(inlineText(token.children ?? []));
    else if (token.type === 'code_block' || token.type === 'fence') add(token.content.replace(/\n$/, ''));
  }
  return blocks
    .map((block, index) => (index === 0 ? '' : block.list !== undefined && block.list === blocks[index - 1]!.list ? '\n' : '\n\n') + block.text)
    .join('');
}

function inlineText(children: Token[]): string {
  let text = '';
  let link: { href: string; start: number; mention: boolean } | undefined;
  for (const child of children) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += '\n';
    else if (child.type === 'link_open') link = { href: String(child.attrGet('href') ?? ''), start: text.length, mention: Boolean(child.meta?.mention) };
    else if (child.type === 'link_close' && link) {
      const words = text.slice(link.start);
      const shown = link.href.replace(/^mailto:/, '');
      // A site path means nothing in an email without the site's address, and an
      // autolink or a mention already shows where it goes.
      if (!link.mention && !link.href.startsWith('/') && shown !== words) text += ` (${link.href})`;
      link = undefined;
    }
  }
  return text;
}

/** At most `maxChars` characters of the plain text on one line, cut at a word with "…". */
export function excerpt(source: string, maxChars: number): string {
  const characters = Array.from(plainText(source).replace(/\s+/g, ' ').trim());
  if (characters.length <= maxChars) return characters.join('');
  if (maxChars < 1) return '';
  const cut = characters.slice(0, maxChars - 1).join('');
  const endsAWord = !/[\p{L}\p{N}]/u.test(characters[maxChars - 1]!);
  const lastSpace = cut.lastIndexOf(' ');
  // Cut mid-word only when the first word alone is longer than half the excerpt.
  const kept = endsAWord || lastSpace < cut.length / 2 ? cut : cut.slice(0, lastSpace);
  return `${kept.replace(/[\s.,;:!?\-–—]+$/u, '')}…`;
}
