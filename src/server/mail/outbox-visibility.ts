/**
 * When the dev outbox pages may be served, and what to say at start-up when email
 * goes nowhere. `outboxIsServed` is the pure rule; the caller reads the environment.
 */
import { isLocalSiteUrl, runtimeSiteUrl } from '../config/site-url.ts';
import { listeningAddress } from '../http/listening-address.ts';
import { isLoopbackAddress } from '../http/loopback.ts';

export type OutboxFacts = {
  providerConfigured: boolean;
  siteUrl: URL;
  /** The address the server listens on; undefined while unknown. */
  listeningOn: string | undefined;
  /** The connecting socket's address, never a header a client can write. */
  clientAddress: string | undefined;
  /** Whether the request carries a proxy's forwarding headers. */
  forwarded: boolean;
};

/**
 * Headers a reverse proxy or tunnel adds. Through one on this machine every visitor
 * connects from loopback, so their presence can only refuse, never admit.
 */
const forwardingHeaders = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'cf-connecting-ip', 'true-client-ip', 'via'];

export function carriesForwardingHeaders(headers: Headers): boolean {
  return forwardingHeaders.some((name) => headers.has(name));
}

/**
 * Only on a laptop without a provider, to a browser on that laptop. The outbox holds every
 * member's sign-in links, so anything that could reach it from another machine — a server
 * listening beyond loopback, a client that is not local, a request relayed by a proxy, an
 * address not known — is refused, whatever SITE_URL says.
 */
export function outboxIsServed({ providerConfigured, siteUrl, listeningOn, clientAddress, forwarded }: OutboxFacts): boolean {
  if (providerConfigured || forwarded || !isLocalSiteUrl(siteUrl)) return false;
  return listeningOn !== undefined && isLoopbackAddress(listeningOn) && clientAddress !== undefined && isLoopbackAddress(clientAddress);
}

/**
 * `outboxIsServed` for this process and one request: the check the outbox pages make.
 * Astro's `clientAddress` is the socket's peer here: the node adapter reads
 * X-Forwarded-For only for hosts listed in `security.allowedDomains`, which this site
 * does not set.
 */
export function outboxIsServedTo(request: { clientAddress: string | undefined; headers: Headers }, env: NodeJS.ProcessEnv = process.env): boolean {
  return outboxIsServed({
    providerConfigured: Boolean(env.RESEND_API_KEY?.trim()),
    siteUrl: runtimeSiteUrl(env),
    listeningOn: listeningAddress()?.address,
    clientAddress: request.clientAddress,
    forwarded: carriesForwardingHeaders(request.headers),
  });
}

/** A warning for the server's start-up, when a real deployment would send no email. */
export function mailStartupWarning(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.RESEND_API_KEY?.trim()) return undefined;
  if (isLocalSiteUrl(runtimeSiteUrl(env))) return undefined;
  const folder = env.COTERIE_OUTBOX_DIR?.trim() || 'data/outbox/';
  return (
    'No email provider is configured (RESEND_API_KEY is not set), so no email leaves this machine: ' +
    `sign-in links are written to ${folder} only. Set RESEND_API_KEY to send real email.`
  );
}
