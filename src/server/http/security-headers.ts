/**
 * The security headers every response carries, static files and on-demand pages alike.
 * One source of truth: the production server wraps the adapter's handler with these,
 * and the middleware sets the same on on-demand responses.
 *
 * The policy allows no inline script at all: the site's only JavaScript is Pagefind's
 * search UI on /search, loaded as files from /pagefind/ and /scripts/.
 */
const directives: Record<string, string[]> = {
  // Anything not named below stays on our own origin.
  'default-src': ["'self'"],
  // Pagefind runs its search index in WebAssembly; compiling it needs this, and it
  // allows no eval() of JavaScript, unlike 'unsafe-eval'.
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  // Stylesheets are files only: Astro is told never to inline them, our markup has no
  // style="…", and Pagefind's UI styles from script through the CSSOM, which CSP allows.
  'style-src': ["'self'"],
  // Pagefind's stylesheet draws its search and clear icons as data: SVG masks.
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  // Pagefind fetches its index and WebAssembly from /pagefind/.
  'connect-src': ["'self'"],
  // Pagefind searches in a Web Worker started from /pagefind/pagefind-worker.js.
  'worker-src': ["'self'"],
  // The outbox and the newsletter preview frame an email's HTML from a URL of ours, served
  // under its own policy (inline styles, nothing that runs).
  'frame-src': ["'self'"],
  'object-src': ["'none'"],
  // Without it an injected <base href> would re-point every relative script and link.
  'base-uri': ["'self'"],
  // Forms post only to us; a redirect after a post must be listed too, because Chromium
  // checks its target against this list: joining and "manage membership" redirect to
  // Stripe's hosted Checkout and Customer Portal.
  'form-action': ["'self'", 'https://checkout.stripe.com', 'https://billing.stripe.com'],
  // No page of ours may be framed by another site (clickjacking).
  'frame-ancestors': ["'none'"],
};

/** The policy; STRIPE_API_BASE (a loopback fake of Stripe, in tests) joins form-action. */
export function contentSecurityPolicyFor(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fake = env.STRIPE_API_BASE?.trim();
  const withFake = fake && URL.canParse(fake) ? { ...directives, 'form-action': [...(directives['form-action'] ?? []), new URL(fake).origin] } : directives;
  return Object.entries(withFake)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export const contentSecurityPolicy: string = contentSecurityPolicyFor({});

/** Powerful browser features the site never uses, switched off for it and anything it embeds. */
const permissionsPolicy = ['accelerometer', 'camera', 'geolocation', 'gyroscope', 'magnetometer', 'microphone', 'payment', 'usb']
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * When the site's address is https, browsers are told to use nothing else for a year, so
 * a network attacker cannot downgrade a later visit to plain HTTP and read the session
 * cookie or a sign-in link. Without includeSubDomains: the site may live at the creator's
 * own domain, whose other hosts are not ours to commit to HTTPS; and no preload.
 */
function strictTransportSecurity(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const site = env.SITE_URL?.trim();
  return site && URL.canParse(site) && new URL(site).protocol === 'https:' ? { 'Strict-Transport-Security': 'max-age=31536000' } : {};
}

/** Header name to value, ready for `res.setHeader` or `Response` headers. */
export function securityHeaders(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicyFor(env),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    // For browsers too old for frame-ancestors.
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': permissionsPolicy,
    ...strictTransportSecurity(env),
  };
}

/**
 * For an email's HTML shown in one of our frames (the newsletter preview, the dev outbox):
 * its inline styles and images may load, nothing may run, and only our pages may frame it.
 * The route sets these itself; the middleware adds only headers a route has not set.
 */
export const emailFrameHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
  'X-Frame-Options': 'SAMEORIGIN',
};
