/**
 * The plain-text twin of an email-safe body (the output of `emailSafeHtml`): headings
 * and paragraphs as blocks, lists with bullets or numbers, quotes with "> ", tables as
 * rows of cells, and links written out as "text (url)" so they survive any client.
 *
 * It reads only what `emailSafeHtml` writes — well-formed tags from a short list, with
 * quoted and escaped attributes — so a small tokenizer is enough; it is not a parser for
 * HTML from elsewhere.
 */

type Node = string | Element;
interface Element {
  tag: string;
  attributes: Record<string, string>;
  children: Node[];
}

const voidTags = new Set(['br', 'hr', 'img']);
const inlineTags = new Set(['a', 'strong', 'em', 'b', 'i', 's', 'del', 'sup', 'sub', 'small', 'span', 'code', 'br', 'img']);

export function htmlToText(html: string): string {
  return blocksOf(parse(html).children).join('\n\n');
}

function parse(html: string): Element {
  const root: Element = { tag: '#root', attributes: {}, children: [] };
  const open: Element[] = [root];
  const current = () => open[open.length - 1] ?? root;
  for (const [, closing, tag, rest = '', textPart] of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)/g)) {
    if (textPart !== undefined) {
      current().children.push(decodeEntities(textPart));
      continue;
    }
    const name = (tag ?? '').toLowerCase();
    if (closing) {
      const at = open.findLastIndex((element) => element.tag === name);
      if (at > 0) open.length = at;
      continue;
    }
    const element: Element = { tag: name, attributes: attributesOf(rest), children: [] };
    current().children.push(element);
    if (!voidTags.has(name) && !rest.trimEnd().endsWith('/')) open.push(element);
  }
  return root;
}

function attributesOf(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [, name = '', value = ''] of source.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) attributes[name.toLowerCase()] = decodeEntities(value);
  return attributes;
}

const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return named[body.toLowerCase()] ?? entity;
  });
}

/** Block-level text of `nodes`, one string per block. */
function blocksOf(nodes: readonly Node[]): string[] {
  const blocks: string[] = [];
  let inline = '';
  const flush = () => {
    const text = tidy(inline);
    if (text) blocks.push(text);
    inline = '';
  };
  for (const node of nodes) {
    if (typeof node === 'string' || inlineTags.has(node.tag)) {
      inline += inlineText(node);
      continue;
    }
    flush();
    blocks.push(...blockText(node));
  }
  flush();
  return blocks;
}

function blockText(element: Element): string[] {
  switch (element.tag) {
    case 'h1':
    case 'h2':
      return [`## ${tidy(inlineOf(element.children))}`];
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
      return [`### ${tidy(inlineOf(element.children))}`];
    case 'ul':
    case 'ol':
      return [listText(element)];
    case 'blockquote':
      return [prefixLines(blocksOf(element.children).join('\n\n'), '> ', '>')];
    case 'pre':
      return [rawText(element).replace(/\n+$/, '')];
    case 'hr':
      return ['----'];
    case 'table':
      return [tableRows(element).join('\n')];
    default:
      return blocksOf(element.children);
  }
}

function listText(list: Element): string {
  let number = 0;
  return list.children
    .filter((child): child is Element => typeof child !== 'string' && child.tag === 'li')
    .map((item) => {
      number += 1;
      const marker = list.tag === 'ol' ? `${number}. ` : '- ';
      const body = blocksOf(item.children).join('\n');
      return prefixLines(body, marker, '', ' '.repeat(marker.length));
    })
    .join('\n');
}

function tableRows(table: Element): string[] {
  const rows: string[] = [];
  const visit = (element: Element) => {
    if (element.tag === 'tr') {
      const cells = element.children.filter((child): child is Element => typeof child !== 'string' && (child.tag === 'th' || child.tag === 'td'));
      rows.push(cells.map((cell) => tidy(inlineOf(cell.children)).replace(/\n/g, ' ')).join(' | '));
      return;
    }
    for (const child of element.children) if (typeof child !== 'string') visit(child);
  };
  visit(table);
  return rows;
}

function inlineOf(nodes: readonly Node[]): string {
  return nodes.map(inlineText).join('');
}

function inlineText(node: Node): string {
  if (typeof node === 'string') return node.replace(/\s+/g, ' ');
  if (node.tag === 'br') return '\n';
  if (node.tag === 'img') return node.attributes.alt ? `[${node.attributes.alt}]` : '';
  const inner = inlineOf(node.children);
  if (node.tag !== 'a') return inner;
  const href = node.attributes.href ?? '';
  const label = tidy(inner);
  if (!href || (href.startsWith('mailto:') && label === href.slice('mailto:'.length))) return inner;
  // A link that spells out its own address is written once.
  if (label === '') return href;
  return label === href || `${label}/` === href ? label : `${inner} (${href})`;
}

function rawText(element: Element): string {
  return element.children.map((child) => (typeof child === 'string' ? child : child.tag === 'br' ? '\n' : rawText(child))).join('');
}

/** Spaces collapsed, each line trimmed, empty lines at either end dropped. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

function prefixLines(text: string, first: string, empty: string, rest = first): string {
  return text
    .split('\n')
    .map((line, index) => (line === '' ? empty : `${index === 0 ? first : rest}${line}`))
    .join('\n');
}
