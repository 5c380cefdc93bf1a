/**
 * The origins a write may come from, for the cross-site check: the configured site
 * address, never one built from the request's Host header (which the client writes, so a
 * spoofed Host with a matching Origin would pass). A local site is also reached as
 * 127.0.0.1 or [::1] instead of localhost, on its own port or the one the server listens on.
 */
import { isLocalSiteUrl } from '../config/site-url.ts';

const loopbackHosts = ['localhost', '127.0.0.1', '[::1]'];

const originOf = (protocol: string, host: string, port: string) => new URL(`${protocol}//${host}${port ? `:${port}` : ''}`).origin;

export function allowedOrigins(siteUrl: URL, listeningPort?: number): string[] {
  if (!isLocalSiteUrl(siteUrl)) return [siteUrl.origin];
  const origins = new Set([siteUrl.origin]);
  for (const host of loopbackHosts) {
    origins.add(originOf(siteUrl.protocol, host, siteUrl.port));
    // The server itself speaks plain HTTP; the site's address may be a local proxy in front of it.
    if (listeningPort !== undefined) origins.add(originOf('http:', host, String(listeningPort)));
  }
  return [...origins];
}
