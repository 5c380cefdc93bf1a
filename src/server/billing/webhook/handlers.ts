/**
 * What each Stripe event type means to Coterie. Every handler ends in `syncSubscription`,
 * which re-reads the subscription from the API, so a handler never trusts the payload's
 * copy of it. Types not in this table are acknowledged and ignored.
 */
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { members, stripeCustomers } from '../../../../db/schema.ts';
import { fromAddress } from '../../mail/from-address.ts';
import { paymentFailedEmail } from '../../mail/templates/billing-notices.ts';
import type { BillingContext } from '../billing-context.ts';
import { sendNoticeOnce } from '../send-notice-once.ts';
import { syncSubscription } from '../sync-subscription.ts';

type Handler = (context: BillingContext, event: Stripe.Event) => Promise<void>;

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : value?.id);

async function checkoutCompleted(context: BillingContext, event: Stripe.Event): Promise<void> {
  const session = event.data.object as Stripe.Checkout.Session;
  const customerId = idOf(session.customer);
  const memberId = session.client_reference_id;
  // Link the customer first, so the subscription sync below finds its member.
  if (customerId && memberId) {
    const [member] = await context.db.select({ id: members.id }).from(members).where(eq(members.id, memberId));
    if (member) await context.db.insert(stripeCustomers).values({ memberId: member.id, customerId }).onConflictDoNothing();
  }
  const subscriptionId = idOf(session.subscription);
  if (subscriptionId) await syncSubscription(context, subscriptionId);
}

async function subscriptionChanged(context: BillingContext, event: Stripe.Event): Promise<void> {
  await syncSubscription(context, (event.data.object as Stripe.Subscription).id);
}

function invoiceSubscription(invoice: Stripe.Invoice): string | undefined {
  return idOf(invoice.parent?.subscription_details?.subscription);
}

async function invoicePaid(context: BillingContext, event: Stripe.Event): Promise<void> {
  const subscriptionId = invoiceSubscription(event.data.object as Stripe.Invoice);
  if (subscriptionId) await syncSubscription(context, subscriptionId);
}

async function invoicePaymentFailed(context: BillingContext, event: Stripe.Event): Promise<void> {
  const invoice = event.data.object as Stripe.Invoice;
  const subscriptionId = invoiceSubscription(invoice);
  if (!subscriptionId || (await syncSubscription(context, subscriptionId)) === 'not_ours') return;
  const customerId = idOf(invoice.customer);
  const [member] = customerId
    ? await context.db
        .select({ email: members.email })
        .from(stripeCustomers)
        .innerJoin(members, eq(members.id, stripeCustomers.memberId))
        .where(eq(stripeCustomers.customerId, customerId))
    : [];
  if (!member || !invoice.id) return;
  const remote = await context.stripe.subscriptions.retrieve(subscriptionId);
  const tierId = remote.items.data[0]?.price.metadata?.coterie_tier ?? '';
  const tierName = context.tiers.find((tier) => tier.id === tierId)?.name ?? 'paid';
  const graceEnds = new Date(context.now().getTime() + context.graceDays * 24 * 60 * 60 * 1000);
  await sendNoticeOnce(context.db, `payment-failed:${invoice.id}`, () =>
    context.mailer.send({
      from: fromAddress(context.site.sender),
      to: member.email,
      replyTo: context.site.ownerEmail,
      ...paymentFailedEmail({
        siteName: context.site.name,
        tierName,
        graceEndsOn: graceEnds.toLocaleDateString(context.site.language, { day: 'numeric', month: 'long', timeZone: 'UTC' }),
        billingUrl: new URL('/account#billing', context.siteUrl).href,
      }),
      tag: 'billing-payment-failed',
    }),
  );
}

export const stripeEventHandlers: Readonly<Record<string, Handler>> = {
  'checkout.session.completed': checkoutCompleted,
  'customer.subscription.created': subscriptionChanged,
  'customer.subscription.updated': subscriptionChanged,
  'customer.subscription.deleted': subscriptionChanged,
  'invoice.paid': invoicePaid,
  'invoice.payment_failed': invoicePaymentFailed,
};
