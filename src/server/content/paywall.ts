/**
 * The `<Paywall />` MDX component renders this comment; the gated route cuts the
 * rendered post at it. A comment, so a stray marker in a public post shows nothing.
 */
export const PAYWALL_MARKER = '<!--coterie:paywall-->';

export type PaywallSplit =
  | { marked: true; teaserHtml: string; gatedHtml: string }
  | { marked: false; teaserHtml: ''; gatedHtml: string };

/** Splits a rendered post at its first paywall marker. Without one, the whole post is gated. */
export function splitAtPaywall(html: string): PaywallSplit {
  const at = html.indexOf(PAYWALL_MARKER);
  if (at === -1) return { marked: false, teaserHtml: '', gatedHtml: html };
  return {
    marked: true,
    teaserHtml: html.slice(0, at),
    gatedHtml: html.slice(at + PAYWALL_MARKER.length).replaceAll(PAYWALL_MARKER, ''),
  };
}
