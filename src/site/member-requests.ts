/**
 * The small Astro-side glue shared by the sign-in and account routes: building the
 * context the auth functions need, and writing the session cookie.
 */
import type { AstroGlobal } from 'astro';
import { getDatabase } from '../../db/client.ts';
import { sessionCookieAttributes, sessionCookieName } from '../server/auth/cookies.ts';
import type { MailContext } from '../server/auth/request-sign-in.ts';
import { invalidateSession, type NewSessionToken } from '../server/auth/sessions.ts';
import { runtimeSiteUrl } from '../server/config/site-url.ts';
import { getMailer } from '../server/mail/mailer.ts';
import { getSite } from './community.ts';

type Page = Pick<AstroGlobal, 'cookies' | 'locals'>;

export async function mailContext(): Promise<MailContext> {
  const [{ db }, site] = await Promise.all([getDatabase(), getSite()]);
  return { db, mailer: getMailer(), site, siteUrl: runtimeSiteUrl(), now: new Date() };
}

/**
 * Gives the browser its new session. A session it held before (another account, or the
 * same one) ends, rather than lingering unseen until it expires.
 */
export async function replaceSession(page: Page, session: NewSessionToken): Promise<void> {
  const previous = page.locals.member?.sessionId;
  if (previous && previous !== session.session.id) await invalidateSession((await getDatabase()).db, previous);
  const siteUrl = runtimeSiteUrl();
  page.cookies.set(sessionCookieName(siteUrl), session.token, sessionCookieAttributes(siteUrl, session.expiresAt));
}

export function clearSessionCookie(page: Page): void {
  page.cookies.delete(sessionCookieName(runtimeSiteUrl()), { path: '/' });
}

/** Minutes, rounded up, for "try again in N minutes". */
export function minutesFrom(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 60_000));
}

/** A form field as text; absent or a file counts as empty. */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
