/** Subscriptions over the API: retrieve, list, update (cancel at period end, price, metadata), cancel. */
import { applyCancelAtPeriodEnd, applyPrice, cancelSubscription, changeSubscription } from './billing.ts';
import { expandedAnswer } from './expand.ts';
import { listSpec, readParams } from './form.ts';
import { applyMetadata, invalidRequest, listPage, noSuch, type Route } from './http.ts';
import { periodOf } from './periods.ts';
import { newestFirst, type FakeState, type InvoiceWire, type PriceWire, type SubscriptionWire } from './state.ts';

const updateFields = {
  cancel_at_period_end: 'boolean',
  items: [{ id: 'string', price: 'string', quantity: 'integer' }],
  metadata: 'metadata',
  // Accepted and ignored: the fake bills no prorations.
  proration_behavior: 'string',
  expand: 'strings',
} as const;

export function subscriptionRoutes(state: FakeState): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/subscriptions/:id',
      handle(call, id) {
        const read = readParams(call.params, { expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const subscription = state.subscriptions.get(id);
        return subscription ? expandedAnswer(subscription, read.params.expand, state.find) : noSuch('subscription', id);
      },
    },
    {
      method: 'GET',
      path: '/v1/subscriptions',
      handle(call) {
        const read = readParams(call.params, { ...listSpec, customer: 'string', status: 'string', price: 'string' } as const);
        if (!read.ok) return read.answer;
        const { customer, status, price } = read.params;
        const subscriptions = newestFirst(state.subscriptions).filter(
          (subscription) =>
            hasStatus(subscription, status) &&
            (!customer || subscription.customer === customer) &&
            (!price || subscription.items.data.some((item) => item.price.id === price)),
        );
        const page = listPage(subscriptions, read.params, '/v1/subscriptions', 'subscription');
        return page.status === 200 ? expandedAnswer(page.body, read.params.expand, state.find) : page;
      },
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/:id',
      handle(call, id) {
        const read = readParams(call.params, updateFields);
        if (!read.ok) return read.answer;
        const subscription = state.subscriptions.get(id);
        if (!subscription) return noSuch('subscription', id);
        const { cancel_at_period_end: cancel, items, metadata, expand } = read.params;
        if (subscription.status === 'canceled' && (cancel !== undefined || items !== undefined)) {
          return invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
        }
        const change = items === undefined ? undefined : readItemChange(state, subscription, items);
        if (change && 'status' in change) return change;
        const at = state.now();
        let invoice: InvoiceWire | undefined;
        changeSubscription(
          state,
          subscription,
          (s) => {
            s.metadata = applyMetadata(s.metadata, metadata);
            if (change) invoice = applyPrice(state, s, change.price, change.quantity, at);
            if (cancel !== undefined) applyCancelAtPeriodEnd(s, cancel, at);
          },
          { origin: call.origin, at },
        );
        if (invoice) state.emit('invoice.paid', invoice, { origin: call.origin, at });
        return expandedAnswer(subscription, expand, state.find);
      },
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/:id',
      handle(call, id) {
        // Stripe's final-invoice options, accepted and ignored: nothing is prorated here.
        const read = readParams(call.params, { expand: 'strings', invoice_now: 'boolean', prorate: 'boolean' } as const);
        if (!read.ok) return read.answer;
        const subscription = state.subscriptions.get(id);
        if (!subscription) return noSuch('subscription', id);
        if (subscription.status === 'canceled') return invalidRequest(`The subscription ${id} has already been canceled.`, 'id');
        cancelSubscription(state, subscription, { origin: call.origin });
        return expandedAnswer(subscription, read.params.expand, state.find);
      },
    },
  ];
}

function hasStatus(subscription: SubscriptionWire, status: string | null | undefined): boolean {
  const ended = subscription.status === 'canceled' || subscription.status === 'incomplete_expired';
  // Stripe lists subscriptions that have not been canceled unless a status says otherwise.
  if (!status) return subscription.status !== 'canceled';
  if (status === 'all') return true;
  if (status === 'ended') return ended;
  return subscription.status === status;
}

type ItemChange = { price: PriceWire; quantity: number | undefined };

/** The fake models one item: `items[0][id]` must name it; `price` and `quantity` change it. */
function readItemChange(
  state: FakeState,
  subscription: SubscriptionWire,
  items: { id?: string | null; price?: string | null; quantity?: number }[],
): ItemChange | ReturnType<typeof invalidRequest> | undefined {
  const item = periodOf(subscription);
  if (items.length === 0) return undefined;
  const [only] = items;
  if (items.length > 1 || !only?.id) {
    return invalidRequest('Fake Stripe models one subscription item: pass items[0][id] with the existing item id.', 'items');
  }
  if (only.id !== item.id) return noSuch('subscription item', only.id, 'items[0][id]', 400);
  if (!only.price) return { price: state.prices.get(item.price.id) ?? item.price, quantity: only.quantity };
  const price = state.prices.get(only.price);
  if (!price) return noSuch('price', only.price, 'items[0][price]', 400);
  if (!price.active) return invalidRequest('The price specified is inactive. This field only accepts active prices.', 'items[0][price]');
  if (!price.recurring) return invalidRequest('The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.', 'items[0][price]');
  if (price.currency !== subscription.currency) {
    return invalidRequest(`The price specified uses currency \`${price.currency}\` but the subscription uses \`${subscription.currency}\`.`, 'items[0][price]');
  }
  return { price, quantity: only.quantity };
}
