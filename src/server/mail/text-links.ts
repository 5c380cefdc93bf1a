/**
 * Finding the links in a plain-text email, for the terminal and the dev outbox page.
 * Pure: no I/O, so the outbox adapter and the page share it and it is tested alone.
 */

// Stops at whitespace and at characters that cannot sit unescaped in a URL in our emails.
const httpUrl = /https?:\/\/[^\s<>"'`]+/g;
// Sentence punctuation right after a link belongs to the sentence, not the link.
const trailingPunctuation = /[.,;:!?)\]]+$/;

/** Every http(s) URL in the text, in order, without trailing punctuation. */
export function findHttpLinks(text: string): string[] {
  return [...text.matchAll(httpUrl)].map((match) => match[0].replace(trailingPunctuation, ''));
}

export type TextSegment = { text: string; href?: string };

/**
 * The text cut into plain runs and links. Only URLs on `origin` become links: an email
 * body is outside input, and a dev page should not offer one-click trips elsewhere.
 * Comparing parsed origins, not string prefixes, keeps `http://localhost:4321@evil.example` out.
 */
export function splitTextLinks(text: string, origin: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(httpUrl)) {
    const url = match[0].replace(trailingPunctuation, '');
    const start = match.index;
    if (start > last) segments.push({ text: text.slice(last, start) });
    segments.push(sameOrigin(url, origin) ? { text: url, href: url } : { text: url });
    last = start + url.length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

function sameOrigin(url: string, origin: string): boolean {
  return URL.canParse(url) && new URL(url).origin === origin;
}
