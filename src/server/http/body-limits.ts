/**
 * How many bytes a request body may have, by address. Every page's form is far smaller than
 * the page limit: a reply is at most 10,000 characters, which url-encoded UTF-8 makes at
 * most ~90 KB. Larger bodies are refused before they are read, so a flood of huge posts
 * costs the server neither memory nor time.
 */

const kib = 1024;
const mib = 1024 * kib;

export const pageBodyLimit = 256 * kib;

/** The endpoints that take more than a form, each with room to spare. Exact paths. */
const endpointBodyLimits: ReadonlyMap<string, number> = new Map([
  // Stripe sends one event per request, with its lists cut to a page of items; well under this.
  ['/api/stripe/webhook', 1 * mib],
  ['/api/resend/webhook', 1 * mib],
  // The owner CLI sends its argv (64 arguments of at most 4,096 characters, as JSON: up to
  // 6 bytes a character escaped). A CSV import is read by the server from its own disk.
  ['/api/cli', 2 * mib],
]);

/** The largest limit of all: the adapter's own ceiling, for a server run without `npm start`. */
export const largestBodyLimit = Math.max(pageBodyLimit, ...endpointBodyLimits.values());

/** The limit for a request target such as `/api/cli?x=1` (the query does not matter). */
export function bodyLimitFor(target: string): number {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  return endpointBodyLimits.get(path.replace(/\/+$/, '')) ?? pageBodyLimit;
}

export type DeclaredLengthVerdict = 'within' | 'too_large' | 'undeclared';

/** What a `Content-Length` header says about the limit, before any of the body is read. */
export function judgeDeclaredLength(contentLength: string | undefined, limit: number): DeclaredLengthVerdict {
  if (contentLength === undefined) return 'undeclared';
  // Node has already refused a malformed length (400); a huge one may not fit a safe integer.
  const length = Number(contentLength);
  return Number.isFinite(length) && length <= limit ? 'within' : 'too_large';
}

export function tooLargeMessage(limit: number): string {
  const size = limit >= mib ? `${limit / mib} MiB` : `${limit / kib} KiB`;
  return `This request is too large: at most ${size} may be sent here. Nothing was read or changed.`;
}
