/** The fake's own HTML pages (hosted Checkout, the customer portal): plain forms, no scripts. */
import type { PageAnswer } from './http.ts';
import type { PriceWire } from './state.ts';

export interface PageRoute {
  method: 'GET' | 'POST';
  /** Matched against the path; groups are handed to `handle`. */
  pattern: RegExp;
  handle(groups: string[], form: URLSearchParams): PageAnswer;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function htmlPage(status: number, title: string, body: string): PageAnswer {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}form{display:inline}button{margin:.25rem .5rem .25rem 0}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
  return { status, html };
}

export function redirect(location: string): PageAnswer {
  return { status: 303, location };
}

/** `$9.00 / month`, `¥900 / 3 months`: minor units shown in the currency's own digits. */
export function formatPrice(price: PriceWire): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: price.currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const amount = format.format((price.unit_amount ?? 0) / 10 ** digits);
  if (!price.recurring) return amount;
  const { interval, interval_count: count } = price.recurring;
  return count === 1 ? `${amount} / ${interval}` : `${amount} / ${count} ${interval}s`;
}

export function formatDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}
