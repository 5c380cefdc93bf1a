/**
 * The address the running server is reached at. Links in emails and the cross-site
 * check use it, never the request's Host header, which a client can set to anything
 * (a sign-in link pointing at an attacker's host would hand them the token).
 */
export function runtimeSiteUrl(env: NodeJS.ProcessEnv = process.env): URL {
  const configured = env.SITE_URL?.trim();
  if (configured) {
    if (!URL.canParse(configured)) throw new Error(`SITE_URL must be a full URL such as https://example.com, not "${configured}".`);
    return new URL(configured);
  }
  return new URL(`http://localhost:${env.PORT?.trim() || '4321'}`);
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for http://localhost and other loopback addresses: a laptop, not a deployment. */
export function isLocalSiteUrl(url: URL): boolean {
  return loopbackHosts.has(url.hostname) || url.hostname.endsWith('.localhost');
}

/** Plain-HTTP localhost is the one place a session cookie may go without `Secure`. */
export function cookiesNeedSecure(url: URL): boolean {
  return !(url.protocol === 'http:' && isLocalSiteUrl(url));
}
