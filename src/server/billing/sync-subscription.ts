/**
 * Converge: re-read a subscription from Stripe's API and store what it says now. Which
 * event prompted it, and in what order events came, does not matter: the last call
 * always stores Stripe's current state.
 */
import { and, eq, getTableColumns, inArray, ne, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { members, stripeCustomers, subscriptions, type StripeSubscriptionRow } from '../../../db/schema.ts';
import { fromAddress } from '../mail/from-address.ts';
import { accessEndingEmail, seatCapExceededEmail, welcomeToTierEmail } from '../mail/templates/billing-notices.ts';
import type { BillingContext } from './billing-context.ts';
import { RetryLaterError } from './retry-later.ts';
import { sendNoticeOnce } from './send-notice-once.ts';
import { subscriptionEntitlement } from './subscription-entitlement.ts';
import { tierOfPrice } from './tier-of-price.ts';

export type SyncOutcome = 'stored' | 'not_ours';

export async function syncSubscription(context: BillingContext, subscriptionId: string): Promise<SyncOutcome> {
  const remote = await context.stripe.subscriptions.retrieve(subscriptionId);
  const item = remote.items.data[0];
  const tier = item ? tierOfPrice(item.price) : undefined;
  if (!item || !tier) return 'not_ours';

  const customerId = typeof remote.customer === 'string' ? remote.customer : remote.customer.id;
  const memberId = await memberForCustomer(context, customerId, remote.metadata?.coterie_member_id);
  const now = context.now();
  const row = {
    id: remote.id,
    memberId,
    customerId,
    tier,
    priceId: item.price.id,
    status: remote.status,
    currentPeriodEnd: new Date(item.current_period_end * 1000),
    cancelAtPeriodEnd: remote.cancel_at_period_end || remote.cancel_at !== null,
    pastDueSince: remote.status === 'past_due' ? now : null,
    updatedAt: now,
    source: remote.metadata?.coterie_source ?? '',
  };
  const [stored] = await context.db
    .insert(subscriptions)
    .values(row)
    .onConflictDoUpdate({
      target: subscriptions.id,
      set: {
        memberId: row.memberId,
        customerId: row.customerId,
        tier: row.tier,
        priceId: row.priceId,
        status: row.status,
        currentPeriodEnd: row.currentPeriodEnd,
        cancelAtPeriodEnd: row.cancelAtPeriodEnd,
        // The grace period counts from the first failure, not from the latest retry.
        pastDueSince: sql`case when excluded.status = 'past_due' then coalesce(${subscriptions.pastDueSince}, excluded.past_due_since) else null end`,
        updatedAt: row.updatedAt,
        source: sql`case when excluded.source <> '' then excluded.source else ${subscriptions.source} end`,
      },
    })
    // xmax = 0 only on a freshly inserted row version: "did this subscription just arrive?" without a second query.
    .returning({ ...getTableColumns(subscriptions), arrived: sql<boolean>`(xmax = 0)` });
  if (stored) {
    const { arrived, ...row } = stored;
    await sendSubscriptionNotices(context, row, remote);
    // Only on arrival: a later re-sync of an earlier member must not count them as the extra seat.
    if (arrived) await checkSeatCap(context, row);
  }
  return 'stored';
}

/**
 * The cap was checked before checkout; two checkouts can still finish together. The
 * late one is honoured (cancelling someone who paid in good faith is worse than one
 * seat over), and the owner is told once, to refund by hand if they want the cap held.
 */
async function checkSeatCap(context: BillingContext, stored: StripeSubscriptionRow): Promise<void> {
  const tier = context.tiers.find((candidate) => candidate.id === stored.tier);
  if (tier?.seatCap === undefined || !subscriptionEntitlement(stored, context.graceDays)) return;
  const seats = await seatsTaken(context, tier.id);
  if (seats <= tier.seatCap) return;
  const [member] = await context.db.select({ email: members.email }).from(members).where(eq(members.id, stored.memberId));
  await sendNoticeOnce(context.db, `seat-cap:${stored.id}`, () =>
    context.mailer.send({
      from: fromAddress(context.site.sender),
      to: context.site.ownerEmail,
      ...seatCapExceededEmail({
        siteName: context.site.name,
        tierName: tier.name,
        memberEmail: member?.email ?? stored.memberId,
        seats,
        seatCap: tier.seatCap ?? seats,
        accountsUrl: `https://dashboard.stripe.com/subscriptions/${stored.id}`,
      }),
      tag: 'billing-seat-cap',
    }),
  );
}

/**
 * The member a Stripe customer belongs to. Linked at checkout; a subscription made
 * elsewhere (say, in the dashboard) for a customer carrying our member id is linked here.
 */
async function memberForCustomer(context: BillingContext, customerId: string, memberIdHint: string | undefined): Promise<string> {
  const { db } = context;
  const [linked] = await db.select().from(stripeCustomers).where(eq(stripeCustomers.customerId, customerId));
  if (linked) return linked.memberId;
  const hint = memberIdHint ?? (await customerMemberId(context.stripe, customerId));
  const [member] = hint ? await db.select({ id: members.id }).from(members).where(eq(members.id, hint)) : [];
  if (!member) throw new RetryLaterError(`Stripe customer ${customerId} is not linked to a member yet.`);
  await db.insert(stripeCustomers).values({ memberId: member.id, customerId }).onConflictDoNothing();
  return member.id;
}

async function customerMemberId(stripe: Stripe, customerId: string): Promise<string | undefined> {
  const customer = await stripe.customers.retrieve(customerId);
  return 'deleted' in customer && customer.deleted ? undefined : customer.metadata?.coterie_member_id;
}

/** Welcome once per subscription; "access ending" once per period it is set to end at. */
async function sendSubscriptionNotices(context: BillingContext, stored: StripeSubscriptionRow, remote: Stripe.Subscription): Promise<void> {
  const entitlement = subscriptionEntitlement(stored, context.graceDays);
  if (!entitlement) return;
  // Looked up only when an email is actually due: most deliveries are repeats of sent ones.
  const memberEmail = async () => {
    const [member] = await context.db.select({ email: members.email }).from(members).where(eq(members.id, stored.memberId));
    if (!member) throw new Error(`Member ${stored.memberId} of subscription ${stored.id} is gone.`);
    return member.email;
  };
  const tierName = context.tiers.find((tier) => tier.id === stored.tier)?.name ?? stored.tier;
  const from = fromAddress(context.site.sender);
  const day = (date: Date) => date.toLocaleDateString(context.site.language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  await sendNoticeOnce(context.db, `welcome:${stored.id}`, async () =>
    context.mailer.send({
      from,
      to: await memberEmail(),
      replyTo: context.site.ownerEmail,
      ...welcomeToTierEmail({
        siteName: context.site.name,
        tierName,
        trialEndsOn: remote.status === 'trialing' && remote.trial_end ? day(new Date(remote.trial_end * 1000)) : undefined,
        readUrl: new URL('/', context.siteUrl).href,
      }),
      tag: 'billing-welcome',
    }),
  );
  if (stored.cancelAtPeriodEnd && stored.status !== 'canceled') {
    await sendNoticeOnce(context.db, `ending:${stored.id}:${stored.currentPeriodEnd.toISOString()}`, async () =>
      context.mailer.send({
        from,
        to: await memberEmail(),
        replyTo: context.site.ownerEmail,
        ...accessEndingEmail({ siteName: context.site.name, tierName, endsOn: day(stored.currentPeriodEnd), billingUrl: new URL('/account#billing', context.siteUrl).href }),
        tag: 'billing-ending',
      }),
    );
  }
}

/** Members holding a seat of `tier` now (for seat caps), not counting `exceptSubscription`. */
export async function seatsTaken(context: Pick<BillingContext, 'db'>, tier: string, exceptSubscription?: string): Promise<number> {
  const where = exceptSubscription
    ? and(eq(subscriptions.tier, tier), inArray(subscriptions.status, ['trialing', 'active', 'past_due']), ne(subscriptions.id, exceptSubscription))
    : and(eq(subscriptions.tier, tier), inArray(subscriptions.status, ['trialing', 'active', 'past_due']));
  const rows = await context.db.select({ memberId: subscriptions.memberId }).from(subscriptions).where(where);
  return new Set(rows.map((row) => row.memberId)).size;
}
