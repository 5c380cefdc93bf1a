/**
 * Subscribing to the newsletter with double opt-in. The form sends one email and answers
 * the same whether or not the address is known, so it cannot be used to find out who
 * subscribes; only the emailed link, pressed by the inbox's owner, subscribes anyone.
 * A subscriber is a member with the newsletter on: confirming creates that member but
 * starts no session, so the link is worth nothing beyond the subscription.
 */
import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, suppressions, type LoginPurpose } from '../../../db/schema.ts';
import type { MailContext } from '../auth/request-sign-in.ts';
import { consumeRateLimits } from '../auth/rate-limit.ts';
import { safeNextPath } from '../auth/safe-next-path.ts';
import { randomString } from '../auth/secrets.ts';
import { signInLimits } from '../auth/sign-in-policy.ts';
import { issueToken, peekLinkToken, redeemLinkToken, type TokenCheck } from '../auth/sign-in-tokens.ts';
import { fromAddress } from '../mail/from-address.ts';
import { newsletterConfirmEmail } from '../mail/templates/newsletter-confirm.ts';
import { findMemberByEmail, ensureMember } from '../members/ensure-member.ts';
import { parseEmail } from '../members/email-address.ts';

/**
 * How long a confirmation link works. Longer than sign-in's 10 minutes: nobody is waiting
 * at a form, and people open newsletter confirmations hours later. 48 hours is what
 * mailing-list software commonly uses for double opt-in.
 */
export const subscriptionLinkLifetimeMs = 48 * 60 * 60 * 1000;

const newsletterPurpose: readonly LoginPurpose[] = ['newsletter'];

export type SubscribeRequestResult =
  | { ok: true; email: string }
  | { ok: false; reason: 'email_invalid' }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

export async function requestSubscription(
  context: MailContext,
  input: {
    email: unknown;
    /** The page the form was on, kept with the token so the done page can lead back. */
    from: unknown;
    clientAddress: string;
    /** The newsletter's own name; the site's name when it has none. */
    newsletterName?: string;
  },
): Promise<SubscribeRequestResult> {
  const email = parseEmail(input.email);
  if (!email) return { ok: false, reason: 'email_invalid' };
  const { db, now } = context;
  // The same limits as sign-in emails, counted apart: subscribing cannot use up someone's sign-ins.
  const limited = await consumeRateLimits(
    db,
    [
      { key: `subscribe-email:${email}`, rule: signInLimits.emailsPerAddress },
      { key: `subscribe-network:${input.clientAddress}`, rule: signInLimits.emailsPerNetwork },
    ],
    now,
  );
  if (!limited.allowed) return { ok: false, reason: 'rate_limited', retryAfterMs: limited.retryAfterMs };

  const alreadySubscribed = await getsNewsletter(db, email);
  // Issued either way, so the work done (and the time it takes) does not tell the two apart.
  // A link-only token: the code's salt is thrown away, so no typed code can ever match it.
  const issued = await issueToken(
    db,
    { email, purpose: 'newsletter', nextPath: safeNextPath(input.from), browserSecret: randomString(32), lifetimeMs: subscriptionLinkLifetimeMs },
    now,
  );
  const message = newsletterConfirmEmail({
    siteName: context.site.name,
    newsletterName: input.newsletterName ?? context.site.name,
    link: subscriptionConfirmLink(context.siteUrl, issued.token),
    hours: subscriptionLinkLifetimeMs / 3_600_000,
    alreadySubscribed,
    accountUrl: new URL('/account', context.siteUrl).href,
  });
  await context.mailer.send({ from: fromAddress(context.site.sender), to: email, ...message, tag: 'newsletter-confirm' });
  return { ok: true, email };
}

/** What a confirmation link is, without using it: for the page a mail scanner may open. */
export function peekSubscription(db: Database, token: string, now: Date): Promise<TokenCheck> {
  return peekLinkToken(db, token, now, newsletterPurpose);
}

export type SubscriptionConfirmation =
  | { ok: true; email: string; /** The page the form was on (a same-site path). */ from: string }
  | { ok: false; reason: 'link_invalid' | 'link_used' | 'link_expired' };

/**
 * Uses a confirmation link once: the address becomes a member (if new) with a verified
 * email and the newsletter on. An explicit yes overrides an earlier unsubscribe or spam
 * complaint, and lifts the matching suppression; a hard bounce stays suppressed, because
 * it says the mailbox refused mail, which no click can undo. Tiers are never touched.
 */
export async function confirmSubscription(db: Database, token: string, now: Date): Promise<SubscriptionConfirmation> {
  // One transaction: a failure after the token is spent would otherwise leave a used link
  // and no subscription.
  return db.transaction(async (tx) => {
    const redeemed = await redeemLinkToken(tx, token, now, newsletterPurpose);
    if (!redeemed.ok) return redeemed;
    const { email, nextPath } = redeemed.token;
    const { member } = await ensureMember(tx, email);
    await tx
      .update(members)
      .set({ newsletter: 'subscribed', emailVerifiedAt: member.emailVerifiedAt ?? now })
      .where(eq(members.id, member.id));
    await tx.delete(suppressions).where(and(eq(suppressions.email, email), ne(suppressions.reason, 'bounced')));
    return { ok: true, email, from: nextPath };
  });
}

/** The link in the email. It opens a page with a button: only that button's POST subscribes. */
export function subscriptionConfirmLink(siteUrl: URL, token: string): string {
  const url = new URL('/subscribe/confirm', siteUrl);
  url.searchParams.set('token', token);
  return url.href;
}

/** True when the address would get the next newsletter: subscribed and not suppressed. */
async function getsNewsletter(db: Database, email: string): Promise<boolean> {
  const member = await findMemberByEmail(db, email);
  if (member?.newsletter !== 'subscribed') return false;
  const [suppressed] = await db.select({ email: suppressions.email }).from(suppressions).where(eq(suppressions.email, email));
  return suppressed === undefined;
}
