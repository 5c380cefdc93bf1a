/**
 * Runs before every on-demand route. It refuses cross-site writes and forms a page could
 * not read, identifies the member behind the session cookie (`locals.member`), and adds
 * the security headers.
 * It never decides who may read what: the route serving the content asks `canRead`.
 */
import { defineMiddleware } from 'astro:middleware';
import { getDatabase } from '../db/client.ts';
import { sessionCookieAttributes, sessionCookieName } from './server/auth/cookies.ts';
import { identifyMember } from './server/auth/current-member.ts';
import { runtimeSiteUrl } from './server/config/site-url.ts';
import { allowedOrigins } from './server/http/allowed-origins.ts';
import { checkCrossSite } from './server/http/cross-site-check.ts';
import { refuseUnreadableRequest } from './server/http/refuse-unreadable-request.ts';
import { listeningAddress } from './server/http/listening-address.ts';
import { securityHeaders } from './server/http/security-headers.ts';
import { getAppSecret } from './server/config/app-secret.ts';
import { ensureNewsletterJob } from './server/jobs/newsletter-job.ts';
import { ensureNotificationEmailJob } from './server/jobs/notification-email-job.ts';
import { getMailer } from './server/mail/mailer.ts';
import { matchOwnerOnce } from './server/members/owner-from-site.ts';
import { getDeclaredTiers, getSite } from './site/community.ts';
import { findThreadHome } from './site/discussion-view.ts';
import { composeDigestPlan, digestPeriodEmpty, getNewsletterSettings } from './site/newsletter.ts';

export const onRequest = defineMiddleware(async (context, next) => {
  context.locals.member = undefined;
  // Static pages are rendered once at build time, for nobody in particular.
  if (context.isPrerendered) return next();

  const siteUrl = runtimeSiteUrl();
  // The batched notification emails need the content collections (a thread's place), which
  // only the server bundle can read: the first request starts the job, once per process.
  ensureNotificationEmailJob(async () => ({
    db: (await getDatabase()).db,
    mailer: getMailer(),
    site: await getSite(),
    siteUrl: runtimeSiteUrl(),
    now: new Date(),
    declaredTiers: await getDeclaredTiers(),
    places: async (thread) => (await findThreadHome(thread))?.place,
  }));
  // Scheduled digests need the posts too: composed here, sent by the same process.
  ensureNewsletterJob(async () => {
    const { db } = await getDatabase();
    return {
      db,
      mailer: getMailer(),
      secret: getAppSecret(),
      declaredTiers: await getDeclaredTiers(),
      schedule: scheduledDigestsPaused() ? 'off' : (await getNewsletterSettings()).schedule,
      composeDigest: () => composeDigestPlan({ db, siteUrl: runtimeSiteUrl(), now: new Date() }),
      isEmpty: digestPeriodEmpty,
    };
  });
  const verdict = checkCrossSite(
    {
      method: context.request.method,
      pathname: context.url.pathname,
      origin: context.request.headers.get('origin'),
      secFetchSite: context.request.headers.get('sec-fetch-site'),
    },
    allowedOrigins(siteUrl, listeningAddress()?.port),
  );
  if (!verdict.allowed) {
    return withSecurityHeaders(
      new Response('This form was sent from another site, so it was refused. Go back to the page, reload it, and try again.', {
        status: 403,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      }),
    );
  }

  // A form the page could not read, or a path naming nothing: refused before any page runs.
  const unreadable = await refuseUnreadableRequest({ request: context.request, pathname: context.url.pathname, params: context.params });
  if (unreadable) return withSecurityHeaders(unreadable);

  // ownerEmail may have changed with this build: roles follow it before anyone is identified.
  await matchOwnerOnce(async () => ({ db: (await getDatabase()).db, ownerEmail: (await getSite()).ownerEmail }));

  const cookieName = sessionCookieName(siteUrl);
  const token = context.cookies.get(cookieName)?.value;
  if (token) {
    const { db } = await getDatabase();
    const identified = await identifyMember(db, token, new Date(), await getDeclaredTiers());
    context.locals.member = identified.member;
    if (identified.member && identified.refreshedUntil) {
      context.cookies.set(cookieName, token, sessionCookieAttributes(siteUrl, identified.refreshedUntil));
    } else if (!identified.member && identified.clearCookie) {
      context.cookies.delete(cookieName, { path: '/' });
    }
  }
  return withSecurityHeaders(await next());
});

/**
 * `COTERIE_SCHEDULED_DIGESTS=off` pauses the schedule on this server, whatever
 * newsletter.yaml says: for a staging copy of the production database, which must never
 * email the real subscribers. Sending by hand still works.
 */
function scheduledDigestsPaused(): boolean {
  return process.env.COTERIE_SCHEDULED_DIGESTS?.trim().toLowerCase() === 'off';
}

/** Adds each security header the route has not set itself (a route may be stricter). */
function withSecurityHeaders(response: Response): Response {
  // `astro dev` injects inline <style> for hot reloading, which the policy would block.
  if (import.meta.env.DEV) return response;
  const missing = Object.entries(securityHeaders()).filter(([name]) => !response.headers.has(name));
  // Redirects made with Response.redirect() have immutable headers: copy those first.
  let result = response;
  try {
    for (const [name, value] of missing) result.headers.set(name, value);
  } catch {
    result = new Response(response.body, response);
    for (const [name, value] of missing) result.headers.set(name, value);
  }
  return result;
}
