/**
 * When the dev outbox pages may be served, and what to say at start-up when email
 * goes nowhere. Pure: the caller reads the environment.
 */
import { isLocalSiteUrl, runtimeSiteUrl } from '../config/site-url.ts';

/**
 * Only on a laptop without a provider. On a deployment the outbox holds every member's
 * sign-in links, so serving it there would hand out their accounts.
 */
export function outboxIsServed({ providerConfigured, siteUrl }: { providerConfigured: boolean; siteUrl: URL }): boolean {
  return !providerConfigured && isLocalSiteUrl(siteUrl);
}

/** `outboxIsServed` for an environment: the check the outbox pages make on each request. */
export function outboxIsServedIn(env: NodeJS.ProcessEnv = process.env): boolean {
  return outboxIsServed({ providerConfigured: Boolean(env.RESEND_API_KEY?.trim()), siteUrl: runtimeSiteUrl(env) });
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
