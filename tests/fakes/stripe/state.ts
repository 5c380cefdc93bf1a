/**
 * The fake's account: every object it holds, its clock, and the event log that every
 * state change writes to (and that webhooks are delivered from).
 */
import Stripe from 'stripe';
import { clone, newId, type CallOrigin, type Wire } from './http.ts';

export type ProductWire = Wire<Stripe.Product>;
export type PriceWire = Wire<Stripe.Price>;
export type CustomerWire = Wire<Stripe.Customer>;
export type SubscriptionWire = Wire<Stripe.Subscription>;
export type SubscriptionItemWire = Wire<Stripe.SubscriptionItem>;
export type InvoiceWire = Wire<Stripe.Invoice>;
export type CheckoutSessionWire = Wire<Stripe.Checkout.Session>;
export type PortalSessionWire = Wire<Stripe.BillingPortal.Session>;

export type EventType =
  | 'customer.created'
  | 'checkout.session.completed'
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'invoice.paid'
  | 'invoice.payment_failed';

export interface EventWire {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: CallOrigin;
  type: EventType;
}

export interface EmitOptions {
  /** The top-level fields an update changed, with their values before it. */
  previous?: Record<string, unknown>;
  /** The API call that caused the change; automatic changes have none. */
  origin?: CallOrigin;
  /** When it happened on the fake's clock; now unless a renewal happened earlier in an advance. */
  at?: number;
}

export interface FakeState {
  readonly url: string;
  /** Unix seconds on the fake's clock. */
  now(): number;
  advanceClock(seconds: number): void;
  products: Map<string, ProductWire>;
  prices: Map<string, PriceWire>;
  customers: Map<string, CustomerWire>;
  checkoutSessions: Map<string, CheckoutSessionWire>;
  subscriptions: Map<string, SubscriptionWire>;
  invoices: Map<string, InvoiceWire>;
  portalSessions: Map<string, PortalSessionWire>;
  events: Map<string, EventWire>;
  /** Subscriptions whose next renewal payment fails. */
  failingPayments: Set<string>;
  /** Records an event with a snapshot of `object` and hands it to webhook delivery. */
  emit(type: EventType, object: unknown, options?: EmitOptions): EventWire;
  /** Any object by id, for `expand`. */
  find(id: string): unknown;
}

export const noOrigin: CallOrigin = { id: null, idempotency_key: null };

export function createState(url: string, hooks: { onEvent(event: EventWire): void; webhooksEnabled(): boolean }): FakeState {
  let offsetSeconds = 0;
  const state: FakeState = {
    url,
    now: () => Math.floor(Date.now() / 1000) + offsetSeconds,
    advanceClock(seconds) {
      offsetSeconds += seconds;
    },
    products: new Map(),
    prices: new Map(),
    customers: new Map(),
    checkoutSessions: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    portalSessions: new Map(),
    events: new Map(),
    failingPayments: new Set(),
    emit(type, object, options = {}) {
      const event: EventWire = {
        id: newId('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: options.at ?? state.now(),
        data: options.previous ? { object: clone(object), previous_attributes: clone(options.previous) } : { object: clone(object) },
        livemode: false,
        pending_webhooks: hooks.webhooksEnabled() ? 1 : 0,
        request: options.origin ?? noOrigin,
        type,
      };
      state.events.set(event.id, event);
      hooks.onEvent(event);
      return event;
    },
    find(id) {
      for (const map of [state.products, state.prices, state.customers, state.checkoutSessions, state.subscriptions, state.invoices, state.portalSessions, state.events]) {
        const found = map.get(id);
        if (found) return found;
      }
      return undefined;
    },
  };
  return state;
}

/** Newest first, as Stripe lists (maps keep insertion order, and the clock never goes back). */
export function newestFirst<T>(map: Map<string, T>): T[] {
  return [...map.values()].reverse();
}

/** `previous_attributes` for an update: each top-level field that changed, as it was. */
export function changedFields(before: object, after: object): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  const old = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  for (const key of Object.keys(now)) {
    if (JSON.stringify(old[key]) !== JSON.stringify(now[key])) previous[key] = old[key];
  }
  return previous;
}
