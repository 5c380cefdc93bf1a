/**
 * The campaign figures on /admin/newsletter against a real database: rows inserted as the
 * sender, the Resend webhook, the unsubscribe page and the Stripe webhook leave them.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { campaigns, emailSends, subscriptions, type EmailSendStatus } from '../../db/schema.ts';
import { checkoutSource } from '../../src/server/billing/checkout.ts';
import { listCampaignFigures } from '../../src/server/newsletter/campaign-figures.ts';
import { digestPlanFixture } from '../support/digest-plan-fixture.ts';
import { seedSubscribers } from '../support/subscribers.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

describe.each(engines)('listCampaignFigures on $name', (engine) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await engine.open();
  });
  beforeEach(async () => {
    await handle.db.execute(sql`truncate members, campaigns, subscriptions cascade`);
  });

  async function campaign(values: Partial<typeof campaigns.$inferInsert> & { createdAt: Date }): Promise<string> {
    const [row] = await handle.db
      .insert(campaigns)
      .values({ kind: 'digest', status: 'sent', subject: 'The Hedgerow Weekly', plan: digestPlanFixture(), createdBy: 'test', ...values })
      .returning({ id: campaigns.id });
    if (!row) throw new Error('no campaign');
    return row.id;
  }

  async function sends(campaignId: string, memberIds: readonly string[], statuses: readonly EmailSendStatus[], unsubscribed: readonly number[] = []): Promise<void> {
    await handle.db.insert(emailSends).values(
      statuses.map((status, index) => ({
        campaignId,
        memberId: memberIds[index] ?? '',
        email: `reader-${index}@readers.example`,
        position: index,
        status,
        idempotencyKey: `key-${campaignId}-${index}`,
        unsubscribedAt: unsubscribed.includes(index) ? new Date('2026-11-24T10:00:00Z') : null,
      })),
    );
  }

  async function subscription(memberId: string, source: string, status: string): Promise<void> {
    await handle.db.insert(subscriptions).values({
      id: `sub_${memberId}_${status}_${source.length}`,
      memberId,
      customerId: `cus_${memberId}`,
      tier: 'naturalist',
      priceId: 'price_naturalist_monthly',
      status,
      currentPeriodEnd: new Date('2026-12-24T00:00:00Z'),
      source,
    });
  }

  it('counts each campaign\'s emails by what became of them, and who unsubscribed through them', async () => {
    const readers = await seedSubscribers(handle.db, { count: 9 });
    const id = await campaign({ createdAt: new Date('2026-11-23T09:00:00Z'), startedAt: new Date('2026-11-23T09:00:05Z'), sentAt: new Date('2026-11-23T09:01:00Z'), recipientCount: 9 });
    await sends(id, readers, ['delivered', 'delivered', 'delivered', 'sent', 'delayed', 'bounced', 'complained', 'skipped', 'failed'], [1, 2]);

    const [figures] = await listCampaignFigures(handle.db, 10);
    expect(figures).toEqual({
      id,
      kind: 'digest',
      status: 'sent',
      subject: 'The Hedgerow Weekly',
      createdAt: new Date('2026-11-23T09:00:00Z'),
      scheduledFor: null,
      startedAt: new Date('2026-11-23T09:00:05Z'),
      sentAt: new Date('2026-11-23T09:01:00Z'),
      recipients: 9,
      sent: 7,
      delivered: 3,
      bounced: 1,
      complained: 1,
      skipped: 1,
      failed: 1,
      unsubscribed: 2,
      conversions: 0,
    });
  });

  it('lists the newest first, at most `limit`, with zeros for campaigns that have no emails yet', async () => {
    const readers = await seedSubscribers(handle.db, { count: 2 });
    const oldest = await campaign({ createdAt: new Date('2026-11-09T09:00:00Z') });
    const middle = await campaign({ createdAt: new Date('2026-11-16T09:00:00Z'), kind: 'test', subject: '[Test] digest' });
    const newest = await campaign({ createdAt: new Date('2026-11-23T09:00:00Z'), status: 'scheduled', scheduledFor: new Date('2026-11-30T09:00:00Z') });
    await sends(oldest, readers, ['delivered', 'delivered']);
    await sends(middle, readers, ['sent']);

    const figures = await listCampaignFigures(handle.db, 2);
    expect(figures.map((row) => row.id)).toEqual([newest, middle]);
    expect(figures[0]).toMatchObject({ status: 'scheduled', scheduledFor: new Date('2026-11-30T09:00:00Z'), recipients: 0, sent: 0, delivered: 0 });
    expect(figures[1]).toMatchObject({ kind: 'test', recipients: 1, sent: 1 });
    expect((await listCampaignFigures(handle.db, 10)).map((row) => row.id)).toEqual([newest, middle, oldest]);
  });

  it('credits a campaign with each member who started paying from its links, once, and never for checkouts left unpaid', async () => {
    const [ada, ben, cy, dee, eve, fay] = await seedSubscribers(handle.db, { count: 6 });
    const first = await campaign({ createdAt: new Date('2026-11-16T09:00:00Z') });
    const second = await campaign({ createdAt: new Date('2026-11-23T09:00:00Z') });
    const from = (id: string, path = '/posts/owl-pellets') => checkoutSource({ from: path, campaign: id });

    await subscription(ada ?? '', from(first), 'active');
    // Ada paid for a second tier from the same digest: still one member.
    await subscription(ada ?? '', from(first, '/posts/heron'), 'trialing');
    await subscription(ben ?? '', from(first), 'canceled');
    await subscription(cy ?? '', from(first), 'incomplete_expired');
    await subscription(dee ?? '', checkoutSource({ from: '', campaign: second }), 'past_due');
    // A post page, not a digest: nobody's conversion.
    await subscription(eve ?? '', '/posts/owl-pellets', 'active');
    await subscription(fay ?? '', from(second), 'incomplete');

    const figures = await listCampaignFigures(handle.db, 10);
    expect(Object.fromEntries(figures.map((row) => [row.id, row.conversions]))).toEqual({ [first]: 2, [second]: 1 });
  });

  it('answers with no campaigns at all', async () => {
    expect(await listCampaignFigures(handle.db, 10)).toEqual([]);
  });
});
