/**
 * The Stripe webhook against a real database and the Stripe fake, on every engine:
 * signatures, repeats, crashes, and a storm of shuffled, duplicated lifecycle events
 * that must end in exactly the entitlement Stripe's final state implies.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { sentNotices, stripeCustomers, stripeEvents, subscriptions } from '../../db/schema.ts';
import { startCheckout } from '../../src/server/billing/checkout.ts';
import { handleWebhookRequest } from '../../src/server/billing/webhook/handle-webhook-request.ts';
import { entitledTiers } from '../../src/server/members/entitled-tiers.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { billingHarness, payCheckout, signedDelivery, testTiers } from '../support/billing-harness.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

/** The tiers tiers.yaml declares in these tests. */
const declaredTiers = new Set(['naturalist', 'patron']);

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const day = 24 * 60 * 60;
const naturalist = testTiers[0];

/** A small seeded random source, so a failing shuffle can be replayed. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The customer an event is about, so events can be grouped per member. */
function customerOf(event: { type: string; data: { object: unknown } }): string {
  const object = (event.data.object ?? {}) as Record<string, unknown>;
  if (event.type === 'customer.created') return String(object.id);
  const customer = object.customer;
  return typeof customer === 'string' ? customer : String((customer as { id?: string } | null)?.id);
}

describe.each(engines)('the Stripe webhook on $name', (engine) => {
  let handle: DatabaseHandle;
  let harness: Awaited<ReturnType<typeof billingHarness>>;
  const secret = 'whsec_test_webhook_secret';
  beforeAll(async () => {
    handle = await engine.open();
    harness = await billingHarness(handle.db);
  });
  afterAll(() => harness?.close());

  const deliver = (event: object, signatureSecret = secret) => {
    const { payload, signature } = signedDelivery(harness.stripe, event, signatureSecret);
    return handleWebhookRequest({ payload, signature }, { stripe: harness.stripe, secret, context: async () => harness.context });
  };
  const join = async (email: string) => {
    const { member } = await ensureMember(handle.db, email);
    const started = await startCheckout(harness.context, { member: { ...member, tiers: [] }, tier: naturalist, interval: 'monthly', source: 'post:badgers' });
    if (!started.ok) throw new Error(started.reason);
    await payCheckout(harness.fake, started.url);
    return member;
  };

  it('refuses a bad signature with 400 and records nothing', async () => {
    const [event] = harness.fake.events();
    const forged = await deliver(event ?? { id: 'evt_x', type: 'invoice.paid' }, 'whsec_someone_else');
    expect(forged.status).toBe(400);
    const tampered = signedDelivery(harness.stripe, { id: 'evt_1', type: 'customer.created', data: { object: {} } }, secret);
    const answer = await handleWebhookRequest({ payload: tampered.payload.replace('evt_1', 'evt_2'), signature: tampered.signature }, { stripe: harness.stripe, secret, context: async () => harness.context });
    expect(answer.status).toBe(400);
    expect(await handle.db.select().from(stripeEvents)).toHaveLength(0);
  });

  it('acknowledges types it does not handle, and a repeat is a no-op', async () => {
    const event = { id: 'evt_unhandled', object: 'event', type: 'product.created', data: { object: { id: 'prod_x' } } };
    expect((await deliver(event)).body).toEqual({ received: true, outcome: 'ignored' });
    expect((await deliver(event)).body).toEqual({ received: true, outcome: 'duplicate' });
  });

  it('answers 503 for a customer it cannot link yet, and 500 then success when a handler fails midway', async () => {
    const customer = await harness.stripe.customers.create({ email: 'stranger@example.com' });
    const price = (await harness.stripe.prices.list({ lookup_keys: ['coterie-naturalist-monthly'] })).data[0];
    const session = await harness.stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: price?.id ?? '', quantity: 1 }], success_url: 'https://hedgerow.example/ok', cancel_url: 'https://hedgerow.example/no' });
    await payCheckout(harness.fake, session.url ?? '');
    const created = harness.fake.events().find((event) => event.type === 'customer.subscription.created' && customerOf(event) === customer.id);
    expect((await deliver(created ?? {})).status).toBe(503);

    // A subscription of a member whose handler crashes when it re-reads from Stripe.
    const member = await join('crash@example.com');
    const [linked] = await handle.db.select().from(stripeCustomers).where(eq(stripeCustomers.memberId, member.id));
    const event = harness.fake.events().find((candidate) => candidate.type === 'customer.subscription.created' && customerOf(candidate) === linked?.customerId);
    if (!event) throw new Error('no event');
    harness.fake.failNext(400, 1);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await deliver(event)).status).toBe(500);
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
    expect(await entitledTiers(handle.db, member.id, new Date(), declaredTiers)).toEqual([]);
    expect((await deliver(event)).body).toMatchObject({ outcome: 'processed' });
    expect(await entitledTiers(handle.db, member.id, new Date(), declaredTiers)).toEqual(['naturalist']);
  });

  it('checks a seat cap before checkout, and tells the owner once when checkouts that raced go over it', async () => {
    const patron = testTiers[1];
    const racers = [];
    for (let n = 0; n < 4; n++) {
      const { member } = await ensureMember(handle.db, `racer-${n}@example.com`);
      const started = await startCheckout(harness.context, { member: { ...member, tiers: [] }, tier: patron, interval: 'monthly', source: '' });
      if (!started.ok) throw new Error(started.reason);
      racers.push({ member, url: started.url });
    }
    for (const racer of racers) await payCheckout(harness.fake, racer.url);
    const customers = new Set<string>();
    for (const racer of racers) {
      const [customer] = (await harness.stripe.customers.list({ email: racer.member.email })).data;
      if (customer) customers.add(customer.id);
    }
    const events = harness.fake.events().filter((event) => customers.has(customerOf(event)));
    for (const event of [...events, ...events]) expect((await deliver(event)).status).toBe(200);
    for (const racer of racers) expect(await entitledTiers(handle.db, racer.member.id, new Date(), declaredTiers)).toEqual(['patron']);
    const toOwner = harness.mailer.sent.filter((sent) => sent.tag === 'billing-seat-cap');
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]?.to).toBe('wren@hedgerow.example');
    expect(toOwner[0]?.subject).toContain('4 of 3');

    const { member: late } = await ensureMember(handle.db, 'too-late@example.com');
    expect(await startCheckout(harness.context, { member: { ...late, tiers: [] }, tier: patron, interval: 'monthly', source: '' })).toEqual({ ok: false, reason: 'seats_full' });
  });

  it('ends in the state Stripe holds, however the events arrive: 1,000+ shuffled, duplicated deliveries', async () => {
    const random = seeded(20261122);
    const scripts = ['renews', 'cancels', 'fails'] as const;
    const perScript = 28;
    const people: { memberId: string; customerId: string; script: (typeof scripts)[number] }[] = [];
    for (const script of scripts) {
      for (let n = 0; n < perScript; n++) {
        const member = await join(`${script}-${n}@example.com`);
        const [linked] = await handle.db.select().from(stripeCustomers).where(eq(stripeCustomers.memberId, member.id));
        people.push({ memberId: member.id, customerId: linked?.customerId ?? '', script });
      }
    }
    // Nothing was delivered yet: forget links made by checkout, so events alone must rebuild everything.
    await handle.db.delete(stripeCustomers).where(sql`${stripeCustomers.memberId} in ${people.map((person) => person.memberId)}`);

    for (const person of people) {
      const [subscription] = (await harness.stripe.subscriptions.list({ customer: person.customerId })).data;
      if (!subscription) throw new Error('no subscription');
      if (person.script === 'cancels') await harness.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
      if (person.script === 'fails') harness.fake.failNextPayment(subscription.id);
    }
    harness.fake.advanceTime(31 * day);

    const ours = new Set(people.map((person) => person.customerId));
    const lifecycle = harness.fake.events().filter((event) => ours.has(customerOf(event)));
    // Each event one to three times, every subscription's events in its own shuffled order, all interleaved.
    const deliveries = shuffle(
      lifecycle.flatMap((event) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => event)),
      random,
    );
    expect(deliveries.length).toBeGreaterThanOrEqual(1000);
    for (const event of deliveries) {
      const answer = await deliver(event);
      expect(answer.status, `${event.type} ${event.id}`).toBe(200);
    }

    const now = new Date();
    for (const person of people) {
      const rows = await handle.db.select().from(subscriptions).where(eq(subscriptions.memberId, person.memberId));
      expect(rows, person.script).toHaveLength(1);
      const remote = (await harness.stripe.subscriptions.list({ customer: person.customerId, status: 'all' })).data[0];
      expect(rows[0]?.status).toBe(remote?.status);
      const expected = { renews: ['naturalist'], cancels: [], fails: ['naturalist'] }[person.script];
      expect(await entitledTiers(handle.db, person.memberId, now, declaredTiers), person.script).toEqual(expected);
      expect(rows[0]?.status).toBe({ renews: 'active', cancels: 'canceled', fails: 'past_due' }[person.script]);
    }
    expect(await handle.db.select().from(stripeCustomers).where(sql`${stripeCustomers.memberId} in ${people.map((person) => person.memberId)}`)).toHaveLength(people.length);
    const distinctEvents = new Set(lifecycle.map((event) => event.id)).size;
    expect((await handle.db.select({ id: stripeEvents.id }).from(stripeEvents).where(sql`${stripeEvents.id} in ${[...new Set(lifecycle.map((event) => event.id))]}`)).length).toBe(distinctEvents);

    // Emails: exactly what each final state implies, each once.
    const sentTo = (email: string, tag: string) => harness.mailer.sent.filter((sent) => sent.to === email && sent.tag === tag).length;
    for (const script of scripts) {
      for (let n = 0; n < perScript; n++) {
        const email = `${script}-${n}@example.com`;
        expect(sentTo(email, 'billing-welcome'), email).toBe(script === 'cancels' ? 0 : 1);
        expect(sentTo(email, 'billing-payment-failed'), email).toBe(script === 'fails' ? 1 : 0);
      }
    }
    const notices = await handle.db.select().from(sentNotices);
    expect(new Set(notices.map((notice) => notice.key)).size).toBe(notices.length);
  }, 240_000);
});
