import { splitFrontmatter } from './frontmatter.ts';

/**
 * Plain text of the part of an MDX post above its `<Paywall />` line, for the search
 * index. Works on the source, so the gated part is never rendered to get it; without a
 * marker the teaser is the post's description alone.
 */
export function teaserText(mdxBody: string, description: string): string {
  const marker = /^[ \t]*<Paywall\s*\/>[ \t]*$/m.exec(mdxBody);
  if (!marker) return description;
  const text = mdxToPlainText(mdxBody.slice(0, marker.index));
  return text ? `${description}\n${text}` : description;
}

/** The MDX body of a post file: its source without the frontmatter block. */
export function withoutFrontmatter(source: string): string {
  return splitFrontmatter(source).body;
}

/** Strips MDX and markdown syntax, keeping the words a reader would see. */
export function mdxToPlainText(source: string): string {
  return source
    .replace(/^(import|export)\s.*$/gm, '') // ESM lines
    .replace(/```[\s\S]*?```/g, ' ') // fenced code
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, ' ') // MDX comments
    .replace(/<[A-Za-z][^>]*?\bcaption="([^"]*)"[^>]*>/g, ' $1 ') // keep figure captions
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ') // JSX and HTML tags
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, ' ') // images
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '') // headings, quotes, list markers
    .replace(/[*_~`]+/g, '') // emphasis and inline code marks
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}
