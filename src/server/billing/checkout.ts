/**
 * Starting a Stripe Checkout for a signed-in member: one Stripe customer per member
 * (created once, reused), the tier's current price found by its lookup key, and the
 * seat cap checked before anyone is sent to pay.
 */
import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { stripeCustomers } from '../../../db/schema.ts';
import type { BillingContext } from './billing-context.ts';
import { seatsTaken } from './sync-subscription.ts';

export type BillingInterval = 'monthly' | 'yearly';

export interface CheckoutRequest {
  /** `tiers`: what the member holds now, so nobody pays twice for one tier. */
  member: { id: string; email: string; tiers: readonly string[] };
  tier: { id: string; trialDays: number; seatCap?: number; allowPromotionCodes?: boolean; visibility: string };
  interval: BillingInterval;
  /** Where the reader came from: a post path, or a digest campaign (see `checkoutSource`). */
  source: string;
}

/** Our ids (db/ids.ts): 20 characters of lower-case base32. */
const campaignIdPattern = /^[a-z2-7]{20}$/;
// One spelling for both parsers below: JavaScript's and Postgres's regular expressions agree on it.
const digestSourceStart = '^digest:([a-z2-7]{20})';
const digestSourcePattern = new RegExp(`${digestSourceStart}(?::(.*))?$`, 's');

/**
 * `subscriptions.source` for a checkout: the post path the reader came from, or
 * `digest:<campaign id>` with the path after a colon (`digest:<id>:/posts/x`) when they
 * followed a digest's upgrade link. A campaign id of any other shape is dropped: it only
 * ever labels the conversion, and nothing else is trusted to it.
 */
export function checkoutSource({ from, campaign }: { from: string; campaign: string }): string {
  const path = from.trim();
  if (!campaignIdPattern.test(campaign)) return path;
  return path === '' ? `digest:${campaign}` : `digest:${campaign}:${path}`;
}

/** The other way: the campaign a source credits (if any) and the path the reader came from. */
export function parseCheckoutSource(source: string): { campaignId?: string; from: string } {
  const digest = digestSourcePattern.exec(source);
  return digest?.[1] ? { campaignId: digest[1], from: digest[2] ?? '' } : { from: source };
}

/** `parseCheckoutSource(source).campaignId` in SQL, for counting conversions per campaign: the id, or null. */
export function campaignOfSource(source: SQLWrapper): SQL<string | null> {
  // Inlined, not a parameter (it is our constant, free of quotes), so the expression reads the
  // same in a SELECT and its GROUP BY.
  return sql<string | null>`substring(${source} from ${sql.raw(`'${digestSourceStart}(?::|$)'`)})`;
}

export type CheckoutStart =
  | { ok: true; url: string }
  | { ok: false; reason: 'tier_closed' | 'seats_full' | 'price_missing' | 'already_member' };

export async function startCheckout(context: BillingContext, request: CheckoutRequest): Promise<CheckoutStart> {
  const { tier, member } = request;
  if (member.tiers.includes(tier.id)) return { ok: false, reason: 'already_member' };
  if (tier.visibility === 'archived') return { ok: false, reason: 'tier_closed' };
  if (tier.seatCap !== undefined && (await seatsTaken(context, tier.id)) >= tier.seatCap) return { ok: false, reason: 'seats_full' };

  const prices = await context.stripe.prices.list({ lookup_keys: [`coterie-${tier.id}-${request.interval}`], active: true, limit: 1 });
  const price = prices.data[0];
  if (!price) return { ok: false, reason: 'price_missing' };

  const customerId = await customerFor(context, member);
  const metadata = { coterie_member_id: member.id, coterie_tier: tier.id, coterie_source: request.source.slice(0, 200) };
  const session = await context.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customerId,
    client_reference_id: member.id,
    line_items: [{ price: price.id, quantity: 1 }],
    allow_promotion_codes: tier.allowPromotionCodes ?? false,
    subscription_data: { metadata, ...(tier.trialDays > 0 ? { trial_period_days: tier.trialDays } : {}) },
    metadata,
    success_url: new URL('/join/welcome?session_id={CHECKOUT_SESSION_ID}', context.siteUrl).href.replace('%7BCHECKOUT_SESSION_ID%7D', '{CHECKOUT_SESSION_ID}'),
    cancel_url: new URL(`/join?${joinQuery(tier.id, request.source)}`, context.siteUrl).href,
  });
  if (!session.url) throw new Error('Stripe created a checkout session without a URL.');
  return { ok: true, url: session.url };
}

/** Back to /join from Checkout's "back" link, still carrying where the reader came from. */
function joinQuery(tier: string, source: string): URLSearchParams {
  const { campaignId, from } = parseCheckoutSource(source);
  return new URLSearchParams({ tier, ...(from ? { from } : {}), ...(campaignId ? { campaign: campaignId } : {}) });
}

/** The member's Stripe customer, created the first time with an idempotency key so a retry makes no second one. */
export async function customerFor(context: BillingContext, member: { id: string; email: string }): Promise<string> {
  const [linked] = await context.db.select().from(stripeCustomers).where(eq(stripeCustomers.memberId, member.id));
  if (linked) return linked.customerId;
  const customer = await context.stripe.customers.create(
    { email: member.email, metadata: { coterie_member_id: member.id } },
    { idempotencyKey: `coterie-customer-${member.id}` },
  );
  await context.db.insert(stripeCustomers).values({ memberId: member.id, customerId: customer.id }).onConflictDoNothing();
  // Whoever won a race is the member's customer from now on.
  const [winner] = await context.db.select().from(stripeCustomers).where(eq(stripeCustomers.memberId, member.id));
  return winner?.customerId ?? customer.id;
}

/** A Customer Portal session for plan changes, cancelling, resuming, cards and invoices. */
export async function portalUrl(context: BillingContext, member: { id: string }): Promise<string | undefined> {
  const [linked] = await context.db.select().from(stripeCustomers).where(eq(stripeCustomers.memberId, member.id));
  if (!linked) return undefined;
  const session = await context.stripe.billingPortal.sessions.create({ customer: linked.customerId, return_url: new URL('/account#billing', context.siteUrl).href });
  return session.url;
}
