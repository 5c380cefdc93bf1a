/**
 * The events the webhook benchmark delivers, made the way Stripe would make them: members
 * join through Checkout on the Stripe fake; a third of them renew, a third cancel at
 * period end, a third fail their first renewal; then the fake's clock runs two months on.
 * Every event of a type Coterie handles is delivered once, and about 20 % a second time,
 * all shuffled with a seeded random.
 */
import type { Database } from '../db/client.ts';
import { startCheckout } from '../src/server/billing/checkout.ts';
import { stripeEventHandlers } from '../src/server/billing/webhook/handlers.ts';
import { ensureMember } from '../src/server/members/ensure-member.ts';
import type { EventWire } from '../tests/fakes/stripe-api.ts';
import { payCheckout, testTiers, type billingHarness } from '../tests/support/billing-harness.ts';
import { createRandom } from './seeded-random.ts';

export type Harness = Awaited<ReturnType<typeof billingHarness>>;

const SCRIPTS = ['renews', 'cancels', 'fails'] as const;
export type Script = (typeof SCRIPTS)[number];

/**
 * Handled events per subscription over two months, to size the storm from `--events`:
 * joining gives checkout.session.completed, customer.subscription.created, invoice.paid;
 * a renewal gives invoice.paid (or payment_failed) and subscription.updated; cancelling
 * gives subscription.updated now and subscription.deleted at the period end.
 */
const EVENTS_PER_SUBSCRIPTION = { renews: 7, cancels: 5, fails: 7 } satisfies Record<Script, number>;

export function subscriptionsFor(events: number): number {
  const perSubscription = SCRIPTS.reduce((sum, script) => sum + EVENTS_PER_SUBSCRIPTION[script], 0) / SCRIPTS.length;
  return Math.max(SCRIPTS.length, Math.round(events / perSubscription));
}

export type Storm = {
  /** Handled events, once each, in the order the fake made them. */
  events: EventWire[];
  subscriptionIds: string[];
  scripts: Record<Script, number>;
};

const DAY = 24 * 60 * 60;

export async function generateStorm(harness: Harness, db: Database, subscriptions: number): Promise<Storm> {
  const [naturalist] = testTiers;
  const scriptOf = new Map<string, Script>();
  const scripts: Record<Script, number> = { renews: 0, cancels: 0, fails: 0 };
  for (let n = 0; n < subscriptions; n++) {
    const script = SCRIPTS[n % SCRIPTS.length] ?? 'renews';
    const { member } = await ensureMember(db, `${script}-${n}@bench.example`);
    const started = await startCheckout(harness.context, { member: { ...member, tiers: [] }, tier: naturalist, interval: 'monthly', source: 'post:bench' });
    if (!started.ok) throw new Error(`Checkout for bench member ${n} did not start: ${started.reason}`);
    await payCheckout(harness.fake, started.url);
    scriptOf.set(member.id, script);
    scripts[script] += 1;
  }
  const subscriptionIds: string[] = [];
  for (const subscription of harness.fake.subscriptions()) {
    subscriptionIds.push(subscription.id);
    const script = scriptOf.get(subscription.metadata.coterie_member_id ?? '');
    if (script === 'cancels') await harness.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    if (script === 'fails') harness.fake.failNextPayment(subscription.id);
  }
  harness.fake.advanceTime(31 * DAY);
  harness.fake.advanceTime(31 * DAY);
  // What a well-set-up endpoint is sent: the types it handles (not customer.created).
  const events = harness.fake.events().filter((event) => Object.hasOwn(stripeEventHandlers, event.type));
  return { events, subscriptionIds, scripts };
}

export type Delivery = { event: EventWire; /** True when the same event was delivered earlier in the order. */ repeat: boolean };

/** Every event once plus `duplicateShare` of them again (picked at random), shuffled. */
export function deliveryOrder(events: readonly EventWire[], duplicateShare: number, seed: number): Delivery[] {
  const random = createRandom(seed);
  const copies = Array.from({ length: Math.round(events.length * duplicateShare) }, () => random.pick(events));
  const order = [...events, ...copies];
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j] as EventWire, order[i] as EventWire];
  }
  const seen = new Set<string>();
  return order.map((event) => {
    const repeat = seen.has(event.id);
    seen.add(event.id);
    return { event, repeat };
  });
}
