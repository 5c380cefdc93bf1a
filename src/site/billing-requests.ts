/** Astro-side glue for billing routes: the Stripe client, the context billing code runs in, and who pays. */
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { getDatabase } from '../../db/client.ts';
import { members } from '../../db/schema.ts';
import type { BillingContext } from '../server/billing/billing-context.ts';
import { createStripeClient } from '../server/billing/stripe.ts';
import { graceDaysFrom } from '../server/billing/subscription-entitlement.ts';
import { getAppSecret } from '../server/config/app-secret.ts';
import { runtimeSiteUrl } from '../server/config/site-url.ts';
import { getMailer } from '../server/mail/mailer.ts';
import { entitledTiers } from '../server/members/entitled-tiers.ts';
import { checkUpgradeLink } from '../server/newsletter/upgrade-link.ts';
import { getDeclaredTiers, getSite, getTiers } from './community.ts';

/** The Stripe client, or undefined while payments are not set up (no STRIPE_SECRET_KEY). */
export function stripeOrUndefined(): Stripe | undefined {
  return createStripeClient();
}

export async function billingContext(stripe: Stripe): Promise<BillingContext> {
  const [{ db }, site, tiers] = await Promise.all([getDatabase(), getSite(), getTiers()]);
  return { db, stripe, mailer: getMailer(), site, tiers, siteUrl: runtimeSiteUrl(), now: () => new Date(), graceDays: graceDaysFrom() };
}

/**
 * The member a digest's personal upgrade link pays for, when the link (in the page's
 * query or the form) is authentic, unexpired, and for the tier and campaign asked.
 * Nobody is signed in by it; it only names whose Checkout this is.
 */
export async function upgradeLinkPayer(
  source: { get(name: string): unknown },
  asked: { tierId: string; campaignId: string },
): Promise<{ payer?: { id: string; email: string; tiers: string[] }; refused?: 'invalid' | 'expired' }> {
  const now = new Date();
  const checked = checkUpgradeLink(source, asked, getAppSecret(), now);
  if (!checked.ok) return checked.reason === 'absent' ? {} : { refused: checked.reason };
  const { db } = await getDatabase();
  const [member] = await db.select({ id: members.id, email: members.email }).from(members).where(eq(members.id, checked.grant.memberId));
  // A deleted account's old email: the link names nobody any more.
  if (!member) return { refused: 'invalid' };
  return { payer: { ...member, tiers: await entitledTiers(db, member.id, now, await getDeclaredTiers()) } };
}
