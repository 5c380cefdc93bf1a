/**
 * The small Astro-side glue shared by the sign-in, subscribe and account routes: building the
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

type FormResponse = { status?: number; headers: Headers };
export type RefusedEmailRequest = { reason: 'email_invalid' } | { reason: 'rate_limited'; retryAfterMs: number };

/**
 * An "email me a link" form that was refused (sign-in, subscribing): sets the status, and
 * Retry-After when rate-limited, and says in words what to do. `emails` names what was
 * sent, e.g. "sign-in emails".
 */
export function refusedEmailRequest(response: FormResponse, refusal: RefusedEmailRequest, emails: string): string {
  if (refusal.reason === 'email_invalid') {
    response.status = 400;
    return 'That does not look like an email address. Check it and try again.';
  }
  response.status = 429;
  response.headers.set('Retry-After', String(Math.ceil(refusal.retryAfterMs / 1000)));
  return `We have sent several ${emails} to this address recently. Use the newest one, or try again in ${minutesFrom(refusal.retryAfterMs)} minutes.`;
}

/** The provider could not take the email: the cause goes to the server log, a calm 503 to the reader. */
export function emailSendFailed(response: FormResponse, what: string, cause: unknown): string {
  console.error(new Error(`Sending ${what} failed`, { cause }));
  response.status = 503;
  return 'We could not send the email just now. Please try again in a minute.';
}
