/**
 * The two cookies sign-in uses, and their attributes. HttpOnly so page scripts never
 * see them; SameSite=Lax so other sites' forms do not carry them; Secure everywhere
 * but plain-HTTP localhost, where there is no TLS to require.
 */
import { cookiesNeedSecure } from '../config/site-url.ts';

export interface CookieAttributes {
  httpOnly: true;
  sameSite: 'lax';
  secure: boolean;
  path: string;
  expires: Date;
}

/** `__Host-` makes browsers refuse the cookie unless it is Secure, host-only and Path=/. */
export function sessionCookieName(siteUrl: URL): string {
  return cookiesNeedSecure(siteUrl) ? '__Host-coterie_session' : 'coterie_session';
}

export function sessionCookieAttributes(siteUrl: URL, expires: Date): CookieAttributes {
  return { httpOnly: true, sameSite: 'lax', secure: cookiesNeedSecure(siteUrl), path: '/', expires };
}

/** Remembers, in the browser that asked, which address a code was sent to and the secret that salts it. */
export const pendingSignInCookieName = 'coterie_signin';

export function pendingSignInAttributes(siteUrl: URL, expires: Date): CookieAttributes {
  return { httpOnly: true, sameSite: 'lax', secure: cookiesNeedSecure(siteUrl), path: '/signin', expires };
}

export interface PendingSignIn {
  browserSecret: string;
  email: string;
}

export function encodePendingSignIn(pending: PendingSignIn): string {
  return `${pending.browserSecret}.${Buffer.from(pending.email).toString('base64url')}`;
}

export function decodePendingSignIn(value: string | undefined): PendingSignIn | undefined {
  if (!value) return undefined;
  const [browserSecret, encodedEmail, extra] = value.split('.');
  if (!browserSecret || !encodedEmail || extra !== undefined || !/^[a-z2-9]{32}$/.test(browserSecret)) return undefined;
  const email = Buffer.from(encodedEmail, 'base64url').toString();
  return email.includes('@') ? { browserSecret, email } : undefined;
}
