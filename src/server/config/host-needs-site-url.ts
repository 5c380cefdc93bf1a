/**
 * Listening beyond this machine needs SITE_URL. Without it the site's address would
 * default to http://localhost:PORT: every emailed link would point at the reader's own
 * machine, and cookies would go without `Secure`. Pure: the caller passes the environment.
 */
import { isLoopbackHost } from '../http/loopback.ts';

/** Why the server must not start, or undefined when HOST and SITE_URL agree. */
export function hostWithoutSiteUrlProblem(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const host = env.HOST ?? 'localhost';
  if (env.SITE_URL?.trim() || isLoopbackHost(host)) return undefined;
  return (
    `HOST is "${host}", which accepts connections from other machines, but SITE_URL is not set. ` +
    'Set SITE_URL to the address people use to reach this server (e.g. SITE_URL=https://example.com): ' +
    'sign-in links and cookies are built on it. To serve this machine only, leave HOST unset (localhost).'
  );
}
