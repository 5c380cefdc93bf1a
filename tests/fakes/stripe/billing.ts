/**
 * The subscription lifecycle: start (from Checkout), change, schedule or undo a
 * cancellation, cancel, and what the clock does at each period's end (renew with a paid
 * or failed invoice, or end a subscription set to cancel). Each step records its events.
 */
import { clone, embeddedList, newId, type CallOrigin, type Metadata } from './http.ts';
import { createInvoice } from './invoices.ts';
import { nextPeriodEnd, periodOf, recurringOf } from './periods.ts';
import { changedFields, type FakeState, type InvoiceWire, type PriceWire, type SubscriptionWire } from './state.ts';

export interface StartSubscription {
  customer: string;
  price: PriceWire;
  quantity: number;
  metadata: Metadata;
  trialDays?: number;
  origin: CallOrigin;
  at: number;
}

export function startSubscription(state: FakeState, start: StartSubscription): { subscription: SubscriptionWire; invoice: InvoiceWire } {
  const { price, at } = start;
  const recurring = recurringOf(price);
  const trialEnd = start.trialDays ? at + start.trialDays * 86_400 : null;
  const anchor = trialEnd ?? at;
  const periodEnd = trialEnd ?? nextPeriodEnd(anchor, recurring, at);
  const id = newId('sub');
  const subscription: SubscriptionWire = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: cancellationDetails(null),
    collection_method: 'charge_automatically',
    created: at,
    currency: price.currency,
    customer: start.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: embeddedList(
      [
        {
          id: newId('si', 14),
          object: 'subscription_item',
          billing_thresholds: null,
          created: at,
          current_period_end: periodEnd,
          current_period_start: at,
          current_trial: null,
          discounts: [],
          metadata: {},
          plan: planOf(price),
          price: clone(price),
          quantity: start.quantity,
          subscription: id,
          tax_rates: [],
        },
      ],
      `/v1/subscription_items?subscription=${id}`,
    ),
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: { ...start.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: at,
    status: trialEnd ? 'trialing' : 'active',
    test_clock: null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
    trial_start: trialEnd ? at : null,
  };
  const invoice = createInvoice(state, subscription, { reason: 'subscription_create', paid: true, at, free: trialEnd !== null });
  subscription.latest_invoice = invoice.id;
  state.subscriptions.set(id, subscription);
  state.emit('customer.subscription.created', subscription, { origin: start.origin, at });
  state.emit('invoice.paid', invoice, { origin: start.origin, at });
  return { subscription, invoice };
}

/** Applies `change` and records `customer.subscription.updated` with what it changed, if anything. */
export function changeSubscription(
  state: FakeState,
  subscription: SubscriptionWire,
  change: (subscription: SubscriptionWire) => void,
  options: { origin?: CallOrigin; at?: number } = {},
): void {
  const before = clone(subscription);
  change(subscription);
  const previous = changedFields(before, subscription);
  if (Object.keys(previous).length > 0) state.emit('customer.subscription.updated', subscription, { ...options, previous });
}

/** `cancel_at_period_end`: true schedules the end at the current period's end, false undoes it. */
export function applyCancelAtPeriodEnd(subscription: SubscriptionWire, cancel: boolean, at: number): void {
  subscription.cancel_at_period_end = cancel;
  subscription.cancel_at = cancel ? periodOf(subscription).current_period_end : null;
  subscription.canceled_at = cancel ? at : null;
  subscription.cancellation_details = cancellationDetails(cancel ? 'cancellation_requested' : null);
}

export function cancelSubscription(
  state: FakeState,
  subscription: SubscriptionWire,
  options: { origin?: CallOrigin; at?: number; reason?: 'cancellation_requested' | 'payment_failed' } = {},
): void {
  const at = options.at ?? state.now();
  subscription.status = 'canceled';
  subscription.ended_at = at;
  subscription.canceled_at ??= at;
  subscription.cancellation_details = cancellationDetails(options.reason ?? 'cancellation_requested');
  state.failingPayments.delete(subscription.id);
  state.emit('customer.subscription.deleted', subscription, { origin: options.origin, at });
}

/**
 * Moves the one item to `price`. A new interval restarts the period and bills it in full
 * (prorations are not modelled): the new invoice is returned, for `invoice.paid`.
 */
export function applyPrice(state: FakeState, subscription: SubscriptionWire, price: PriceWire, quantity: number | undefined, at: number): InvoiceWire | undefined {
  const item = periodOf(subscription);
  const before = recurringOf(item.price);
  const after = recurringOf(price);
  item.price = clone(price);
  item.plan = planOf(price);
  if (quantity !== undefined) item.quantity = quantity;
  const newCycle = before.interval !== after.interval || before.interval_count !== after.interval_count;
  if (!newCycle || subscription.status === 'trialing') return undefined;
  subscription.billing_cycle_anchor = at;
  item.current_period_start = at;
  item.current_period_end = nextPeriodEnd(at, after, at);
  if (subscription.cancel_at_period_end) subscription.cancel_at = item.current_period_end;
  const invoice = createInvoice(state, subscription, { reason: 'subscription_update', paid: true, at });
  subscription.latest_invoice = invoice.id;
  return invoice;
}

/** Runs every period end and scheduled cancellation up to `until`, earliest first. */
export function runClock(state: FakeState, until: number): void {
  for (;;) {
    let next: { subscription: SubscriptionWire; at: number } | undefined;
    for (const subscription of state.subscriptions.values()) {
      const at = dueAt(subscription);
      if (at !== undefined && at <= until && (!next || at < next.at)) next = { subscription, at };
    }
    if (!next) return;
    const { subscription, at } = next;
    if (subscription.cancel_at !== null && subscription.cancel_at <= at) cancelSubscription(state, subscription, { at });
    else renew(state, subscription, at);
  }
}

const renewing = new Set(['active', 'trialing', 'past_due']);

function dueAt(subscription: SubscriptionWire): number | undefined {
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') return undefined;
  const periodEnd = renewing.has(subscription.status) ? periodOf(subscription).current_period_end : Infinity;
  const due = Math.min(subscription.cancel_at ?? Infinity, periodEnd);
  return Number.isFinite(due) ? due : undefined;
}

function renew(state: FakeState, subscription: SubscriptionWire, at: number): void {
  const fails = state.failingPayments.delete(subscription.id);
  const item = periodOf(subscription);
  const end = nextPeriodEnd(subscription.billing_cycle_anchor, recurringOf(item.price), at);
  const invoice = createInvoice(state, subscription, { reason: 'subscription_cycle', paid: !fails, at, periodEnd: end, previousPeriodStart: item.current_period_start });
  changeSubscription(
    state,
    subscription,
    (s) => {
      item.current_period_start = at;
      item.current_period_end = end;
      s.status = fails ? 'past_due' : 'active';
      s.latest_invoice = invoice.id;
    },
    { at },
  );
  state.emit(fails ? 'invoice.payment_failed' : 'invoice.paid', invoice, { at });
}

// The portal's feedback form is not modelled, so only the reason is ever set.
function cancellationDetails(reason: 'cancellation_requested' | 'payment_failed' | null): SubscriptionWire['cancellation_details'] {
  return { comment: null, feedback: null, feedback_option: null, reason };
}

function planOf(price: PriceWire): SubscriptionWire['items']['data'][number]['plan'] {
  const recurring = recurringOf(price);
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: { ...price.metadata },
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

