/** `billing reconcile` repairs drift between Stripe and the database, on every engine. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { subscriptions } from '../../db/schema.ts';
import { startCheckout } from '../../src/server/billing/checkout.ts';
import { reconcileSubscriptions } from '../../src/server/billing/reconcile.ts';
import { entitledTiers } from '../../src/server/members/entitled-tiers.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { billingHarness, payCheckout, testTiers } from '../support/billing-harness.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

/** The tiers tiers.yaml declares in these tests. */
const declaredTiers = new Set(['naturalist', 'patron']);

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

describe.each(engines)('billing reconcile on $name', (engine) => {
  let handle: DatabaseHandle;
  let harness: Awaited<ReturnType<typeof billingHarness>>;
  beforeAll(async () => {
    handle = await engine.open();
    harness = await billingHarness(handle.db);
  });
  afterAll(() => harness?.close());

  it('stores subscriptions no webhook told us about, fixes stale ones, and is a no-op when run again', async () => {
    const join = async (email: string) => {
      const { member } = await ensureMember(handle.db, email);
      const started = await startCheckout(harness.context, { member: { ...member, tiers: [] }, tier: testTiers[0], interval: 'monthly', source: '' });
      if (!started.ok) throw new Error(started.reason);
      await payCheckout(harness.fake, started.url);
      return member;
    };
    const missed = await join('missed@example.com');
    const stale = await join('stale@example.com');
    // No webhook was delivered at all. One row exists but says something Stripe no longer does.
    const [staleRemote] = (await harness.stripe.subscriptions.list({ status: 'all' })).data.filter((sub) => sub.metadata?.coterie_member_id === stale.id);
    if (!staleRemote) throw new Error('no subscription');
    await handle.db.insert(subscriptions).values({ id: staleRemote.id, memberId: stale.id, customerId: String(staleRemote.customer), tier: 'naturalist', priceId: 'price_old', status: 'active', currentPeriodEnd: new Date() });
    await harness.stripe.subscriptions.cancel(staleRemote.id);
    // And one row for a subscription Stripe has never heard of.
    await handle.db.insert(subscriptions).values({ id: 'sub_vanished', memberId: missed.id, customerId: 'cus_gone', tier: 'naturalist', priceId: 'price_x', status: 'active', currentPeriodEnd: new Date(Date.now() + 86_400_000) });

    expect(await entitledTiers(handle.db, missed.id, new Date(), declaredTiers)).toEqual(['naturalist']); // only through the vanished row
    const report = await reconcileSubscriptions(harness.context);
    expect(report).toMatchObject({ checked: 2, stored: 2, notOurs: 0, unlinked: [], vanished: ['sub_vanished'] });
    expect(await entitledTiers(handle.db, missed.id, new Date(), declaredTiers)).toEqual(['naturalist']); // now through its real subscription
    expect(await entitledTiers(handle.db, stale.id, new Date(), declaredTiers)).toEqual([]);
    const [vanished] = await handle.db.select().from(subscriptions).where(eq(subscriptions.id, 'sub_vanished'));
    expect(vanished?.status).toBe('canceled');

    const rowsBefore = await handle.db.select().from(subscriptions);
    const again = await reconcileSubscriptions(harness.context);
    expect(again.vanished).toEqual([]);
    expect((await handle.db.select().from(subscriptions)).length).toBe(rowsBefore.length);
  });
});

// A database of its own per engine: the one above already holds subscriptions.
const commandEngines = testEngines();
afterAll(() => cleanupEngines(commandEngines));

describe.each(commandEngines)('the billing reconcile command on $name', (engine) => {
  it('reports what it did, and says how to configure Stripe when it is not', async () => {
    const { runCommand } = await import('../../src/server/cli/run-command.ts');
    const handle = await engine.open();
    const harness = await billingHarness(handle.db);
    try {
      const withStripe = await runCommand(['billing', 'reconcile'], { db: handle.db, tiers: [], now: new Date(), billing: async () => harness.context });
      expect(withStripe).toEqual({ exitCode: 0, output: 'Checked 0 subscriptions in Stripe: 0 stored as Stripe has them, 0 for products that are not tiers.' });
      const without = await runCommand(['billing', 'reconcile'], { db: handle.db, tiers: [], now: new Date(), billing: async () => undefined });
      expect(without.exitCode).toBe(1);
      expect(without.output).toContain('STRIPE_SECRET_KEY');
      expect((await runCommand(['billing', 'refund'], { db: handle.db, tiers: [], now: new Date() })).exitCode).toBe(2);
    } finally {
      await harness.close();
    }
  });
});
