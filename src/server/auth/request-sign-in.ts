/**
 * Sending a sign-in (or sign-up) email. The response and the work done are the same
 * whether or not the address has an account, so the form cannot be used to find out
 * who is a member: both get an email, only its wording differs.
 */
import type { Database } from '../../../db/client.ts';
import type { Mailer } from '../mail/email.ts';
import { fromAddress } from '../mail/from-address.ts';
import { signInEmail } from '../mail/templates/sign-in.ts';
import { changeEmailEmail } from '../mail/templates/change-email.ts';
import { findMemberByEmail } from '../members/ensure-member.ts';
import { parseEmail } from '../members/email-address.ts';
import { consumeRateLimits } from './rate-limit.ts';
import { safeNextPath } from './safe-next-path.ts';
import { randomString } from './secrets.ts';
import { signInLimits } from './sign-in-policy.ts';
import { issueToken, signInTokenLifetimeMs } from './sign-in-tokens.ts';

export interface MailContext {
  db: Database;
  mailer: Mailer;
  site: { name: string; sender: { name: string; address: string } };
  /** The site's own address; links are built on it, never on the request's Host. */
  siteUrl: URL;
  now: Date;
}

export type SignInRequestResult =
  | { ok: true; email: string; /** For the requesting browser's cookie: it salts the code. */ browserSecret: string }
  | { ok: false; reason: 'email_invalid' }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

export async function requestSignIn(
  context: MailContext,
  input: { email: unknown; next: unknown; clientAddress: string },
): Promise<SignInRequestResult> {
  const email = parseEmail(input.email);
  if (!email) return { ok: false, reason: 'email_invalid' };
  const { db, now } = context;
  const limited = await consumeRateLimits(
    db,
    [
      { key: `signin-email:${email}`, rule: signInLimits.emailsPerAddress },
      { key: `signin-network:${input.clientAddress}`, rule: signInLimits.emailsPerNetwork },
    ],
    now,
  );
  if (!limited.allowed) return { ok: false, reason: 'rate_limited', retryAfterMs: limited.retryAfterMs };

  const browserSecret = randomString(32);
  const existing = await findMemberByEmail(db, email);
  const issued = await issueToken(db, { email, purpose: 'sign_in', nextPath: safeNextPath(input.next), browserSecret }, now);
  const message = signInEmail({
    siteName: context.site.name,
    link: confirmLink(context.siteUrl, issued.token),
    code: issued.code,
    minutes: signInTokenLifetimeMs / 60_000,
    isNewMember: existing === undefined,
  });
  await context.mailer.send({ from: fromAddress(context.site.sender), to: email, ...message, tag: 'sign-in' });
  return { ok: true, email, browserSecret };
}

export type EmailChangeResult =
  | { ok: true; email: string }
  | { ok: false; reason: 'email_invalid' | 'email_unchanged' }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

/**
 * Starts moving a member to a new address: the link goes to the new one, and nothing
 * changes until it is used. Whether the address is taken is only said there, to
 * whoever owns that inbox, so this form reveals nothing about other accounts.
 */
export async function requestEmailChange(
  context: MailContext,
  input: { member: { id: string; email: string }; newEmail: unknown; clientAddress: string },
): Promise<EmailChangeResult> {
  const email = parseEmail(input.newEmail);
  if (!email) return { ok: false, reason: 'email_invalid' };
  if (email === input.member.email) return { ok: false, reason: 'email_unchanged' };
  const { db, now } = context;
  const limited = await consumeRateLimits(
    db,
    [
      { key: `signin-email:${email}`, rule: signInLimits.emailsPerAddress },
      { key: `email-change:${input.member.id}`, rule: signInLimits.emailsPerAddress },
      { key: `signin-network:${input.clientAddress}`, rule: signInLimits.emailsPerNetwork },
    ],
    now,
  );
  if (!limited.allowed) return { ok: false, reason: 'rate_limited', retryAfterMs: limited.retryAfterMs };

  // An address change is confirmed by link only: the code's salt is thrown away.
  const issued = await issueToken(
    db,
    { email, purpose: 'change_email', memberId: input.member.id, nextPath: '/account', browserSecret: randomString(32) },
    now,
  );
  const message = changeEmailEmail({
    siteName: context.site.name,
    link: confirmLink(context.siteUrl, issued.token),
    minutes: signInTokenLifetimeMs / 60_000,
    newEmail: email,
  });
  await context.mailer.send({ from: fromAddress(context.site.sender), to: email, ...message, tag: 'change-email' });
  return { ok: true, email };
}

/** The link in the email. It opens a page with a button: only that button's POST signs in. */
export function confirmLink(siteUrl: URL, token: string): string {
  const url = new URL('/signin/confirm', siteUrl);
  url.searchParams.set('token', token);
  return url.href;
}
