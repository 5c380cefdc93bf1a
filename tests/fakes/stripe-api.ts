/**
 * A stateful fake of Stripe's HTTP API on a loopback port, for driving the official SDK
 * (and so `billing/stripe.ts`) without the network:
 * `new Stripe(fake.secretKey, { host: fake.host, port: fake.port, protocol: 'http' })`.
 *
 * Modelled (objects shaped like the SDK's types for API version 2026-10-28, checked by
 * `tsc`; parameters read from bracket-notation forms, unknown ones refused):
 * - products (custom `id` allowed) and prices: create, retrieve, update, list (`active`,
 *   `ids[]`; `product`, `active`, `lookup_keys[]`, `currency`, `type`); lookup keys unique
 *   among prices, moved only with `transfer_lookup_key`;
 * - customers: create, retrieve, update, list by exact `email`;
 * - Checkout Sessions in `subscription` mode with one line item: create, retrieve, and a
 *   hosted page (`/checkout/<id>`) whose Pay form creates the customer if needed, the
 *   subscription (`trialing` with `subscription_data[trial_period_days]`, else `active`)
 *   and a paid invoice, completes the session and redirects 303 to `success_url`;
 * - subscriptions (one item, which carries `current_period_start/end`): retrieve, list
 *   (`customer`, `status` incl. `all`/`ended`, `price`), update (`cancel_at_period_end`,
 *   `items[0][price|quantity]`, `metadata`), cancel; invoices: retrieve, list; they link to
 *   their subscription through `invoice.parent.subscription_details.subscription`;
 * - billing portal sessions and their page (`/portal/<id>`): cancel at period end, resume,
 *   cancel now;
 * - events for customer.created, checkout.session.completed, customer.subscription.created|
 *   updated (with `previous_attributes`)|deleted, invoice.paid, invoice.payment_failed;
 *   `/v1/events`; signed webhook delivery in order with retries (`deliveries`);
 * - a clock: `advanceTime` renews (paid, or failed after `failNextPayment`: past_due) and
 *   ends subscriptions set to cancel, month ends clamped as Stripe does;
 * - `Authorization: Bearer` (401), Stripe's error shape and statuses, `expand[]` on any id
 *   field, `limit`/`starting_after`/`ending_before`, `Idempotency-Key` on POST (same key and
 *   body replays the first answer with `Idempotent-Replayed: true`; another body is a 400
 *   `idempotency_error`), forced failures for the next N calls (`failNext`).
 *
 * NOT modelled: taxes, proration amounts (a price change with a new interval restarts the
 * period and bills it in full; one with the same interval bills nothing), coupons,
 * discounts and promotion-code validation (`allow_promotion_codes` is only echoed),
 * payment methods, cards, 3DS and declines at Checkout, payment intents and charges,
 * refunds, more than one subscription item or line item, `payment`/`setup` Checkout
 * modes, embedded Checkout, `line_items` expansion, Smart Retries and dunning (a past_due
 * subscription stays past_due until the next renewal pays or a test sets its status),
 * `trial_will_end` and every event type not listed above (no `customer.updated`,
 * `invoice.created`, `product.*`, `price.*`…), `checkout.session.expired` (sessions expire
 * after 24 h only when next looked at), portal configurations, flows and plan switching,
 * deletion of products/prices/customers, search endpoints, test clocks, Connect and
 * `Stripe-Account`, API versions other than the SDK's, rate limits, concurrent requests
 * with one idempotency key, idempotency-key expiry, saved answers for failed requests
 * (only answers under 400 are replayed, so a fixed request may reuse its key), more than
 * one webhook endpoint, webhook event filtering and thin events. `prices.list` without
 * `active` returns active prices only, as Stripe documents. Error messages follow Stripe's
 * but are not byte-for-byte copies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { cancelSubscription, changeSubscription, runClock } from './stripe/billing.ts';
import { catalogRoutes } from './stripe/catalog.ts';
import { checkout } from './stripe/checkout.ts';
import { customerRoutes } from './stripe/customers.ts';
import { eventRoutes } from './stripe/events.ts';
import { parseForm } from './stripe/form.ts';
import { clone, newId, stripeError, unrecognizedUrl, type Answer, type PageAnswer } from './stripe/http.ts';
import { invoiceRoutes } from './stripe/invoices.ts';
import type { PageRoute } from './stripe/pages.ts';
import { portal } from './stripe/portal.ts';
import { createState, type EventWire, type SubscriptionWire } from './stripe/state.ts';
import { subscriptionRoutes } from './stripe/subscriptions.ts';
import { createWebhookSender, type Delivery } from './stripe/webhooks.ts';

export type { Delivery } from './stripe/webhooks.ts';
export type { EventWire, SubscriptionWire } from './stripe/state.ts';

export interface StartFakeStripeOptions {
  /** Where to POST events; can also be set later with `setWebhookUrl`. */
  webhookUrl?: string;
  /** Signs webhooks; defaults to a fixed `whsec_…` test value. */
  webhookSecret?: string;
  /** Attempts per event before moving on (default 4). */
  webhookAttempts?: number;
  /** Wait before the first retry, doubled for each next one (default 25 ms). */
  webhookRetryDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string without `?`, or ''. */
  query: string;
  idempotencyKey?: string;
  /** Bracket-notation parameters, nested. */
  params: Record<string, unknown>;
  /** The status the fake answered with. */
  status: number;
}

export type ForcedStatus = 400 | 401 | 402 | 403 | 404 | 409 | 429 | 500 | 502 | 503;

export interface FakeStripe {
  url: string;
  host: string;
  port: number;
  secretKey: string;
  webhookSecret: string;
  /** Every API call (`/v1/…`), answered or refused, oldest first. */
  requests: RecordedRequest[];
  /** Every webhook delivery attempt, oldest first. */
  deliveries: Delivery[];
  setWebhookUrl(url: string | undefined): void;
  /** Resolves once every event so far has been delivered or has used up its attempts. */
  webhooksSettled(): Promise<void>;
  /** The fake's clock, in Unix seconds. */
  now(): number;
  /** Moves the clock on and runs what falls due meanwhile; returns the events it caused. */
  advanceTime(seconds: number): EventWire[];
  /** The subscription's next renewal fails: an open invoice, `invoice.payment_failed`, `past_due`. */
  failNextPayment(subscriptionId: string): void;
  /** Forces a status, as Stripe's own processes would: `updated`, or `deleted` for `canceled`. */
  setSubscriptionStatus(subscriptionId: string, status: SubscriptionWire['status']): void;
  /** Snapshots, oldest first. */
  events(): EventWire[];
  subscriptions(): SubscriptionWire[];
  /** Answers the next `count` API calls with `status` and a Stripe-shaped error. */
  failNext(status: ForcedStatus, count?: number, options?: { shouldRetry?: boolean }): void;
  close(): Promise<void>;
}

export async function startFakeStripe(options: StartFakeStripeOptions = {}): Promise<FakeStripe> {
  const secretKey = `sk_test_fake_${newId('key', 24).slice(4)}`;
  const webhookSecret = options.webhookSecret ?? 'whsec_fake_coterie_test_secret';
  let webhookUrl = options.webhookUrl;
  const requests: RecordedRequest[] = [];
  const deliveries: Delivery[] = [];
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  let forced: { status: ForcedStatus; remaining: number; shouldRetry?: boolean } | undefined;

  const sender = createWebhookSender({
    endpoint: () => (webhookUrl ? { url: webhookUrl, secret: webhookSecret } : undefined),
    deliveries,
    attempts: options.webhookAttempts ?? 4,
    retryDelayMs: options.webhookRetryDelayMs ?? 25,
  });

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: `Fake Stripe crashed: ${String(error)}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const state = createState(url, {
    onEvent: (event) => {
      if (webhookUrl) sender.enqueue(event);
    },
    webhooksEnabled: () => webhookUrl !== undefined,
  });
  const checkoutParts = checkout(state);
  const portalParts = portal(state);
  const routes = [
    ...catalogRoutes(state),
    ...customerRoutes(state),
    ...checkoutParts.routes,
    ...subscriptionRoutes(state),
    ...invoiceRoutes(state),
    ...portalParts.routes,
    ...eventRoutes(state),
  ].map((route) => ({ ...route, pattern: new RegExp(`^${route.path.replace(':id', '([^/]+)')}$`) }));
  const pages: PageRoute[] = [...checkoutParts.pages, ...portalParts.pages];

  function api(method: string, path: string, params: Record<string, unknown>, headers: IncomingMessage['headers'], rawBody: string): Answer {
    const auth = headers.authorization;
    if (!auth) {
      return stripeError(401, {
        type: 'invalid_request_error',
        message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      });
    }
    if (auth !== `Bearer ${secretKey}`) {
      const given = auth.replace(/^Bearer /, '');
      return stripeError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${given.slice(0, 8)}****${given.slice(-4)}` });
    }
    if (forced && forced.remaining > 0) {
      forced.remaining -= 1;
      const answer = forcedError(forced.status);
      if (forced.shouldRetry !== undefined) answer.headers = { 'stripe-should-retry': String(forced.shouldRetry) };
      return answer;
    }
    let id = '';
    const route = routes.find((candidate) => {
      const match = candidate.method === method ? candidate.pattern.exec(path) : null;
      if (match) id = decodeURIComponent(match[1] ?? '');
      return match !== null;
    });
    if (!route) return unrecognizedUrl(method, path);
    const key = headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' && method === 'POST' ? key : undefined;
    const call = { method, path, params, origin: { id: newId('req', 14), idempotency_key: idempotencyKey ?? null } };
    if (!idempotencyKey) return route.handle(call, id);
    if (idempotencyKey.length > 255) return stripeError(400, { type: 'invalid_request_error', message: 'Idempotency keys can be at most 255 characters long.' });
    const fingerprint = `${method} ${path}\n${rawBody}`;
    const earlier = idempotent.get(idempotencyKey);
    if (earlier) {
      if (earlier.fingerprint === fingerprint) return { ...earlier.answer, headers: { ...earlier.answer.headers, 'idempotent-replayed': 'true' } };
      return stripeError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
      });
    }
    const answer = route.handle(call, id);
    // Only answers under 400 are kept: a refused request may be fixed and retried with its key.
    if (answer.status < 400) idempotent.set(idempotencyKey, { fingerprint, answer: { ...answer, body: clone(answer.body) } });
    return answer;
  }

  function page(method: string, path: string, rawBody: string): PageAnswer {
    for (const candidate of pages) {
      const match = candidate.method === method ? candidate.pattern.exec(path) : null;
      if (match) return candidate.handle(match.slice(1).map(decodeURIComponent), new URLSearchParams(rawBody));
    }
    return { status: 404, html: '<!doctype html><title>Not found</title><h1>Not found</h1>' };
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const target = new URL(request.url ?? '/', url);
    const method = request.method ?? 'GET';
    if (!target.pathname.startsWith('/v1/')) {
      const answer = page(method, target.pathname, rawBody);
      response.writeHead(answer.status, answer.location ? { location: answer.location } : { 'content-type': 'text/html; charset=utf-8' });
      response.end(answer.html ?? '');
      return;
    }
    const query = target.search.slice(1);
    const params = parseForm(method === 'POST' ? rawBody : query);
    const answer = api(method, target.pathname, params, request.headers, rawBody);
    const key = request.headers['idempotency-key'];
    requests.push({ method, path: target.pathname, query, idempotencyKey: typeof key === 'string' ? key : undefined, params, status: answer.status });
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'request-id': newId('req', 14),
      'stripe-version': Stripe.API_VERSION,
      ...answer.headers,
    });
    response.end(JSON.stringify(answer.body, null, 2));
  }

  function subscription(id: string): SubscriptionWire {
    const found = state.subscriptions.get(id);
    if (!found) throw new Error(`Fake Stripe has no subscription ${id}; it has: ${[...state.subscriptions.keys()].join(', ') || 'none'}`);
    return found;
  }

  return {
    url,
    host: '127.0.0.1',
    port,
    secretKey,
    webhookSecret,
    requests,
    deliveries,
    setWebhookUrl(next) {
      webhookUrl = next;
    },
    webhooksSettled: () => sender.settled(),
    now: () => state.now(),
    advanceTime(seconds) {
      if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`advanceTime needs a whole, positive number of seconds; got ${seconds}`);
      const before = state.events.size;
      state.advanceClock(seconds);
      runClock(state, state.now());
      return [...state.events.values()].slice(before).map((event) => clone(event));
    },
    failNextPayment(id) {
      state.failingPayments.add(subscription(id).id);
    },
    setSubscriptionStatus(id, status) {
      const found = subscription(id);
      if (status === 'canceled') cancelSubscription(state, found, {});
      else {
        changeSubscription(state, found, (s) => {
          s.status = status;
        });
      }
    },
    events: () => clone([...state.events.values()]),
    subscriptions: () => clone([...state.subscriptions.values()]),
    failNext(status, count = 1, { shouldRetry } = {}) {
      forced = { status, remaining: count, shouldRetry };
    },
    async close() {
      sender.stop();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

function forcedError(status: ForcedStatus): Answer {
  switch (status) {
    case 402:
      return stripeError(402, { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' });
    case 409:
      return stripeError(409, {
        type: 'invalid_request_error',
        code: 'lock_timeout',
        message: 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.',
      });
    case 429:
      return stripeError(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Request rate limit exceeded.' });
    case 500:
    case 502:
    case 503:
      return stripeError(status, { type: 'api_error', message: 'An unknown error occurred (forced by the fake Stripe).' });
    default:
      return stripeError(status, { type: 'invalid_request_error', message: `A ${status} forced by the fake Stripe's failNext.` });
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
