/**
 * The RSS feed, the sitemap and canonical links are written at build time, on the address
 * the site was built with (`url` in site.yaml, unless SITE_URL was set for the build).
 * Sign-in links follow SITE_URL at run time. When the two differ, say so once at start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The origin of the built feed's channel link, or undefined when there is none. */
export function builtFeedOrigin(rssXml: string): string | undefined {
  const link = /<channel>[\s\S]*?<link>([^<]+)<\/link>/.exec(rssXml)?.[1]?.trim();
  return link && URL.canParse(link) ? new URL(link).origin : undefined;
}

/** `builtFeedOrigin` of the feed in a build's client folder; undefined if it has none. */
export function readBuiltFeedOrigin(clientDir: string): string | undefined {
  try {
    return builtFeedOrigin(readFileSync(join(clientDir, 'rss.xml'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** A start-up line when the built feed points somewhere other than this server's address. */
export function feedAddressNotice(builtOrigin: string | undefined, siteUrl: URL): string | undefined {
  if (!builtOrigin || builtOrigin === siteUrl.origin) return undefined;
  return (
    `the RSS feed, the sitemap and canonical links point at ${builtOrigin}, the address the site was built with ` +
    `(url in site.yaml, or SITE_URL at build time), not at ${siteUrl.origin}, where this server is reached. ` +
    `To make them match, set url in site.yaml to ${siteUrl.origin} (npm start then rebuilds).`
  );
}
