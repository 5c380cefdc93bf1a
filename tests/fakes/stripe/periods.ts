/** Billing periods: where a subscription keeps its period, and when the next one ends. */
import type { PriceWire, SubscriptionWire } from './state.ts';

export type Recurring = NonNullable<PriceWire['recurring']>;

/** The one item, which carries the billing period in current API versions. */
export function periodOf(subscription: SubscriptionWire) {
  const item = subscription.items.data[0];
  if (!item) throw new Error(`Fake Stripe: subscription ${subscription.id} has no item`);
  return item;
}

export function recurringOf(price: PriceWire): Recurring {
  if (!price.recurring) throw new Error(`Fake Stripe: price ${price.id} is not recurring`);
  return price.recurring;
}

/**
 * The first period end after `after`, counted from `anchor` as Stripe does, so a
 * subscription anchored on the 31st renews on the last day of shorter months and goes
 * back to the 31st after them.
 */
export function nextPeriodEnd(anchor: number, recurring: Recurring, after: number): number {
  for (let cycles = 1; ; cycles++) {
    const end = addIntervals(anchor, recurring.interval, recurring.interval_count * cycles);
    if (end > after) return end;
  }
}

function addIntervals(anchor: number, interval: string, count: number): number {
  if (interval === 'day') return anchor + count * 86_400;
  if (interval === 'week') return anchor + count * 7 * 86_400;
  const date = new Date(anchor * 1000);
  const months = interval === 'year' ? count * 12 : count;
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}
