/**
 * The fake Stripe, driven through the official SDK as `billing/stripe.ts` will drive it:
 * if the fake drifts from what the SDK sends or expects, these fail before any billing
 * test trusts it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-api.ts';
import { nextPeriodEnd } from '../fakes/stripe/periods.ts';

const day = 86_400;

let fake: FakeStripe;
let stripe: Stripe;
beforeEach(async () => {
  fake = await startFakeStripe();
  stripe = client(fake);
});
afterEach(async () => {
  await fake.close();
});

function client(target: FakeStripe, options: Partial<Stripe.StripeConfig> = {}, key = target.secretKey): Stripe {
  return new Stripe(key, { host: target.host, port: target.port, protocol: 'http', maxNetworkRetries: 0, ...options });
}

async function monthlyPrice(lookupKey = 'insider_monthly') {
  const product = await stripe.products.create({ id: 'tier_insider', name: 'Insider' });
  return stripe.prices.create({ product: product.id, unit_amount: 900, currency: 'usd', recurring: { interval: 'month' }, lookup_key: lookupKey });
}

/** Submits the hosted Checkout page's Pay form as a browser would, without following the redirect. */
async function pay(sessionUrl: string, form: Record<string, string> = {}) {
  const response = await fetch(`${sessionUrl}/pay`, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location') };
}

async function subscribe(options: { trialDays?: number } = {}) {
  const price = await monthlyPrice();
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer_email: 'ada@example.com',
    line_items: [{ price: price.id, quantity: 1 }],
    client_reference_id: 'member_1',
    metadata: { member: 'member_1' },
    subscription_data: { metadata: { member: 'member_1', tier: 'insider' }, trial_period_days: options.trialDays },
    success_url: 'https://coterie.example/billing/done?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://coterie.example/tiers',
  });
  const paid = await pay(session.url ?? '');
  const completed = await stripe.checkout.sessions.retrieve(session.id);
  const subscription = await stripe.subscriptions.retrieve(String(completed.subscription));
  return { price, session, paid, completed, subscription };
}

describe('catalog', () => {
  it('creates a product with its own id and finds its price by lookup key, product expanded', async () => {
    const price = await monthlyPrice();
    expect(price).toMatchObject({ object: 'price', product: 'tier_insider', unit_amount: 900, currency: 'usd', lookup_key: 'insider_monthly', livemode: false });
    expect(price.id).toMatch(/^price_/);
    expect(price.recurring).toMatchObject({ interval: 'month', interval_count: 1 });

    const found = await stripe.prices.list({ lookup_keys: ['insider_monthly'], expand: ['data.product'] });
    expect(found.object).toBe('list');
    expect(found.data.map((p) => p.id)).toEqual([price.id]);
    expect(found.data[0]?.product).toMatchObject({ object: 'product', id: 'tier_insider', name: 'Insider' });
  });

  it('keeps a lookup key on one price, moving it only with transfer_lookup_key', async () => {
    const first = await monthlyPrice();
    const second = { product: 'tier_insider', unit_amount: 1200, currency: 'usd', recurring: { interval: 'month' as const }, lookup_key: 'insider_monthly' };

    const refused = await stripe.prices.create(second).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused).toMatchObject({ param: 'lookup_key', statusCode: 400 });
    expect((refused as Error).message).toContain(first.id);

    const moved = await stripe.prices.create({ ...second, transfer_lookup_key: true });
    expect((await stripe.prices.retrieve(first.id)).lookup_key).toBeNull();
    expect((await stripe.prices.list({ lookup_keys: ['insider_monthly'] })).data.map((p) => p.id)).toEqual([moved.id]);
  });

  it('lists newest first with limit and starting_after, archived prices only on request', async () => {
    const product = await stripe.products.create({ name: 'Insider' });
    const ids: string[] = [];
    for (const amount of [100, 200, 300]) {
      ids.push((await stripe.prices.create({ product: product.id, unit_amount: amount, currency: 'usd', recurring: { interval: 'month' } })).id);
    }
    const first = await stripe.prices.list({ product: product.id, limit: 2 });
    expect(first.data.map((p) => p.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    const rest = await stripe.prices.list({ product: product.id, limit: 2, starting_after: ids[1] });
    expect(rest.data.map((p) => p.id)).toEqual([ids[0]]);
    expect(rest.has_more).toBe(false);

    await stripe.prices.update(ids[0] ?? '', { active: false });
    expect((await stripe.prices.list({ product: product.id })).data).toHaveLength(2);
    expect((await stripe.prices.list({ product: product.id, active: false })).data.map((p) => p.id)).toEqual([ids[0]]);
    expect((await stripe.products.list({ ids: [product.id] })).data.map((p) => p.name)).toEqual(['Insider']);
  });
});

describe('customers', () => {
  it('creates a customer, records customer.created and lists by email', async () => {
    const customer = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { member: 'm1' } });
    expect(customer).toMatchObject({ object: 'customer', email: 'ada@example.com', metadata: { member: 'm1' } });
    expect(customer.id).toMatch(/^cus_/);
    expect((await stripe.customers.list({ email: 'ada@example.com' })).data.map((c) => c.id)).toEqual([customer.id]);
    expect((await stripe.customers.list({ email: 'ADA@example.com' })).data).toEqual([]);
    const events = await stripe.events.list({ type: 'customer.created' });
    expect(events.data.map((event) => (event.data.object as Stripe.Customer).id)).toEqual([customer.id]);
  });
});

describe('checkout', () => {
  it('serves a page with the price, a Pay form and a Cancel link', async () => {
    const price = await monthlyPrice();
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://coterie.example/done',
      cancel_url: 'https://coterie.example/tiers',
    });
    expect(session.url).toBe(`${fake.url}/checkout/${session.id}`);
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({ status: 'open', payment_status: 'unpaid', amount_total: 900, customer: null });
    const html = await (await fetch(session.url ?? '')).text();
    expect(html).toContain('Fake Stripe Checkout');
    expect(html).toContain('$9.00 / month');
    expect(html).toContain(`<form method="post" action="/checkout/${session.id}/pay">`);
    expect(html).toContain('<a href="https://coterie.example/tiers">Cancel</a>');
  });

  it('completes through the Pay form: customer, active subscription, paid invoice, events, redirect', async () => {
    const { session, paid, completed, subscription } = await subscribe();
    expect(paid).toEqual({ status: 303, location: `https://coterie.example/billing/done?session=${session.id}` });
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid', client_reference_id: 'member_1', metadata: { member: 'member_1' }, url: null });

    expect(subscription).toMatchObject({ object: 'subscription', status: 'active', customer: completed.customer, metadata: { member: 'member_1', tier: 'insider' } });
    const [item] = subscription.items.data;
    expect(item?.price.lookup_key).toBe('insider_monthly');
    const periodDays = ((item?.current_period_end ?? 0) - (item?.current_period_start ?? 0)) / day;
    expect(periodDays).toBeGreaterThanOrEqual(28);
    expect(periodDays).toBeLessThanOrEqual(31);

    const invoice = await stripe.invoices.retrieve(String(subscription.latest_invoice));
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 900, billing_reason: 'subscription_create' });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);

    const customer = await stripe.customers.retrieve(String(completed.customer));
    expect(customer).toMatchObject({ email: 'ada@example.com' });
    expect(fake.events().map((event) => event.type)).toEqual(['customer.created', 'customer.subscription.created', 'invoice.paid', 'checkout.session.completed']);
    expect((await pay(session.url ?? '')).status).toBe(409);
    expect(fake.subscriptions()).toHaveLength(1);
  });

  it('starts a trial that becomes active, and billed, when the trial ends', async () => {
    const { completed, subscription } = await subscribe({ trialDays: 14 });
    expect(completed).toMatchObject({ payment_status: 'no_payment_required', amount_total: 0 });
    expect(subscription.status).toBe('trialing');
    expect((subscription.trial_end ?? 0) - (subscription.trial_start ?? 0)).toBe(14 * day);
    expect((await stripe.invoices.retrieve(String(subscription.latest_invoice))).amount_paid).toBe(0);

    const events = fake.advanceTime(14 * day);
    expect(events.map((event) => event.type)).toEqual(['customer.subscription.updated', 'invoice.paid']);
    expect(events[0]?.data.previous_attributes).toMatchObject({ status: 'trialing' });
    const now = await stripe.subscriptions.retrieve(subscription.id);
    expect(now.status).toBe('active');
    expect(now.items.data[0]?.current_period_start).toBe(subscription.trial_end);
    expect((events[1]?.data.object as Stripe.Invoice).amount_paid).toBe(900);
  });

  it('refuses what Stripe refuses: an unknown price, two customers, an unknown parameter', async () => {
    const base = { mode: 'subscription' as const, success_url: 'https://coterie.example/done' };
    await expect(stripe.checkout.sessions.create({ ...base, line_items: [{ price: 'price_missing', quantity: 1 }] })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      param: 'line_items[0][price]',
    });
    const customer = await stripe.customers.create({ email: 'ada@example.com' });
    const price = await monthlyPrice();
    await expect(
      stripe.checkout.sessions.create({ ...base, customer: customer.id, customer_email: 'ada@example.com', line_items: [{ price: price.id, quantity: 1 }] }),
    ).rejects.toMatchObject({ param: 'customer_email' });
    await expect(stripe.customers.create({ email: 'ada@example.com', phone_number: '1' } as Stripe.CustomerCreateParams)).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'phone_number',
    });
  });
});

describe('subscriptions over time', () => {
  it('renews with a paid invoice each period, and fails one on request (past_due)', async () => {
    const { subscription } = await subscribe();
    const end = subscription.items.data[0]?.current_period_end ?? 0;

    const renewed = fake.advanceTime(end - fake.now());
    expect(renewed.map((event) => event.type)).toEqual(['customer.subscription.updated', 'invoice.paid']);
    const after = await stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data[0]?.current_period_start).toBe(end);
    const renewal = renewed[1]?.data.object as Stripe.Invoice;
    expect(after.latest_invoice).toBe(renewal.id);
    expect(renewal).toMatchObject({ status: 'paid', amount_paid: 900, billing_reason: 'subscription_cycle' });
    expect(renewal.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(renewal.lines.data[0]?.period).toEqual({ start: end, end: after.items.data[0]?.current_period_end });
    expect(renewal.lines.data[0]?.description).toBe('1 × Insider (at $9.00 / month)');

    fake.failNextPayment(subscription.id);
    const failed = fake.advanceTime(31 * day);
    expect(failed.map((event) => event.type)).toEqual(['customer.subscription.updated', 'invoice.payment_failed']);
    expect((failed[1]?.data.object as Stripe.Invoice).status).toBe('open');
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
  });

  it('cancels at period end, resumes, and cancels now over the API', async () => {
    const { subscription } = await subscribe();
    const scheduled = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(scheduled).toMatchObject({ cancel_at_period_end: true, cancel_at: subscription.items.data[0]?.current_period_end, status: 'active' });
    expect((await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false })).cancel_at).toBeNull();

    const canceled = await stripe.subscriptions.cancel(subscription.id);
    expect(canceled.status).toBe('canceled');
    expect(fake.events().at(-1)?.type).toBe('customer.subscription.deleted');
    expect((await stripe.subscriptions.list({ customer: String(subscription.customer) })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ status: 'all' })).data.map((s) => s.id)).toEqual([subscription.id]);
  });

  it('moves the item to another price; a new interval restarts the period with a paid invoice', async () => {
    const { subscription } = await subscribe();
    const yearly = await stripe.prices.create({ product: 'tier_insider', unit_amount: 9000, currency: 'usd', recurring: { interval: 'year' } });
    const item = subscription.items.data[0];
    const moved = await stripe.subscriptions.update(subscription.id, { items: [{ id: item?.id, price: yearly.id }], proration_behavior: 'none' });
    expect(moved.items.data.map((i) => i.price.id)).toEqual([yearly.id]);
    const days = ((moved.items.data[0]?.current_period_end ?? 0) - (moved.items.data[0]?.current_period_start ?? 0)) / day;
    expect(days === 365 || days === 366).toBe(true);
    const [updated, paid] = fake.events().slice(-2);
    expect(updated?.type).toBe('customer.subscription.updated');
    expect(updated?.data.previous_attributes).toHaveProperty('items');
    expect(paid?.data.object).toMatchObject({ object: 'invoice', billing_reason: 'subscription_update', amount_paid: 9000 });
    await expect(stripe.subscriptions.update(subscription.id, { items: [{ price: yearly.id }] })).rejects.toMatchObject({ param: 'items' });
  });

  it('ends a subscription through the portal: cancel at period end, then the clock', async () => {
    const { subscription } = await subscribe();
    const portal = await stripe.billingPortal.sessions.create({ customer: String(subscription.customer), return_url: 'https://coterie.example/account' });
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.url).toBe(`${fake.url}/portal/${portal.id}`);

    const page = await (await fetch(portal.url)).text();
    expect(page).toContain('Cancel at period end');
    expect(page).toContain('<a href="https://coterie.example/account">Return</a>');
    const action = /action="([^"]+\/cancel-at-period-end)"/.exec(page)?.[1];
    const response = await fetch(`${fake.url}${action}`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/portal/${portal.id}`);
    expect(await (await fetch(portal.url)).text()).toContain('Resume');

    const updated = fake.events().at(-1);
    expect(updated?.type).toBe('customer.subscription.updated');
    expect(updated?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });

    const ended = fake.advanceTime(32 * day);
    expect(ended.map((event) => event.type)).toEqual(['customer.subscription.deleted']);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });

  it('counts periods from the anchor, clamping to the end of shorter months', () => {
    const monthly = { interval: 'month' as const, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' as const };
    const jan31 = Date.UTC(2026, 0, 31, 12) / 1000;
    expect(nextPeriodEnd(jan31, monthly, jan31)).toBe(Date.UTC(2026, 1, 28, 12) / 1000);
    expect(nextPeriodEnd(jan31, monthly, Date.UTC(2026, 1, 28, 12) / 1000)).toBe(Date.UTC(2026, 2, 31, 12) / 1000);
  });
});

describe('webhooks', () => {
  let receiver: Server;
  let received: { body: string; signature: string }[];
  let statuses: number[];
  beforeEach(async () => {
    received = [];
    statuses = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['stripe-signature']) });
        response.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    fake.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/stripe/webhook`);
  });
  afterEach(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('delivers every event in order, signed so that constructEvent accepts it', async () => {
    await subscribe();
    await fake.webhooksSettled();
    const events = received.map(({ body, signature }) => stripe.webhooks.constructEvent(body, signature, fake.webhookSecret));
    expect(events.map((event) => event.type)).toEqual(['customer.created', 'customer.subscription.created', 'invoice.paid', 'checkout.session.completed']);
    expect(events.map((event) => event.id)).toEqual(fake.events().map((event) => event.id));
    expect(() => stripe.webhooks.constructEvent(received[0]?.body ?? '', received[0]?.signature ?? '', 'whsec_other')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('retries an event the endpoint refused, then moves on', async () => {
    statuses = [500, 503];
    await stripe.customers.create({ email: 'ada@example.com' });
    await fake.webhooksSettled();
    expect(fake.deliveries.map(({ attempt, status, ok }) => ({ attempt, status, ok }))).toEqual([
      { attempt: 1, status: 500, ok: false },
      { attempt: 2, status: 503, ok: false },
      { attempt: 3, status: 200, ok: true },
    ]);
    expect(new Set(received.map(({ body }) => JSON.parse(body).id)).size).toBe(1);
  });
});

describe('API behaviour', () => {
  it('replays an idempotent request and refuses its key with other parameters', async () => {
    const first = await stripe.customers.create({ email: 'ada@example.com' }, { idempotencyKey: 'signup-1' });
    const again = await stripe.customers.create({ email: 'ada@example.com' }, { idempotencyKey: 'signup-1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.customers.list()).data).toHaveLength(1);
    await expect(stripe.customers.create({ email: 'bob@example.com' }, { idempotencyKey: 'signup-1' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeIdempotencyError,
    );
  });

  it('answers a missing object with a 404 the SDK turns into StripeInvalidRequestError', async () => {
    const error = await stripe.subscriptions.retrieve('sub_missing').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such subscription: 'sub_missing'" });
  });

  it('refuses a wrong key with 401', async () => {
    await expect(client(fake, {}, 'sk_test_wrong_key_1234').products.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('fails the next calls on request, so the SDK retries with the same idempotency key', async () => {
    fake.failNext(500, 1);
    const retrying = client(fake, { maxNetworkRetries: 1 });
    const product = await retrying.products.create({ name: 'Insider' });
    const posts = fake.requests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.status)).toEqual([500, 200]);
    expect(posts[0]?.idempotencyKey).toBeDefined();
    expect(posts[1]?.idempotencyKey).toBe(posts[0]?.idempotencyKey);
    expect((await stripe.products.list()).data.map((p) => p.id)).toEqual([product.id]);

    fake.failNext(429, 1);
    await expect(stripe.products.list()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
  });
});
