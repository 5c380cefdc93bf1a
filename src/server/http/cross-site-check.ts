/**
 * Cross-site request forgery protection for every state-changing request, decided from
 * the browser's own headers: `Origin` (sent with every POST by current browsers) and
 * `Sec-Fetch-Site` where sent. Astro's `checkOrigin` covers form content types only;
 * this covers every method and content type, and a request with no Origin at all.
 */

/**
 * Endpoints that other parties call and that authenticate otherwise: provider webhooks
 * by signature, one-click unsubscribe and "stop notification emails" by a signed token
 * (RFC 8058 mail clients send no Origin), the owner CLI by a bearer token. Exact paths
 * only, never prefixes.
 */
export const crossSiteExemptPaths: ReadonlySet<string> = new Set([
  '/api/stripe/webhook',
  '/api/resend/webhook',
  '/unsubscribe/one-click',
  '/notifications/stop',
  '/api/cli',
]);

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestFacts {
  method: string;
  pathname: string;
  origin: string | null;
  secFetchSite: string | null;
}

export type CrossSiteVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'origin_missing' | 'origin_mismatch' | 'cross_site_fetch' };

/** Whether a request may change state. `allowedOrigins` are full origins such as https://example.com. */
export function checkCrossSite(request: RequestFacts, allowedOrigins: readonly string[]): CrossSiteVerdict {
  if (safeMethods.has(request.method.toUpperCase())) return { allowed: true };
  if (crossSiteExemptPaths.has(request.pathname.replace(/\/+$/, ''))) return { allowed: true };
  // Fetch metadata cannot be set by page scripts: anything but same-origin is another site.
  if (request.secFetchSite !== null && request.secFetchSite !== 'same-origin') return { allowed: false, reason: 'cross_site_fetch' };
  // No Origin, or the opaque "null" a sandboxed frame or privacy redirect sends: refuse, don't guess.
  if (request.origin === null || request.origin === 'null') return { allowed: false, reason: 'origin_missing' };
  return allowedOrigins.includes(request.origin) ? { allowed: true } : { allowed: false, reason: 'origin_mismatch' };
}
