/**
 * The campaign sender against a real database and the Resend fake, reached through the
 * official SDK: batches of at most 100, one email per recipient, Retry-After and
 * backoff, takeover of abandoned batches without duplicates, two senders side by side,
 * and what each segment's email may contain.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { campaigns, emailSends, members, sendBatches, suppressions } from '../../db/schema.ts';
import { createResendMailer } from '../../src/server/mail/resend.ts';
import { claimBatch } from '../../src/server/newsletter/claim-batch.ts';
import { batchEmails } from '../../src/server/newsletter/batch-emails.ts';
import { sendPendingBatches, type SenderContext } from '../../src/server/newsletter/send-campaigns.ts';
import { createPacer } from '../../src/server/newsletter/send-pacing.ts';
import { cancelCampaign, startCampaign, startDueCampaigns } from '../../src/server/newsletter/start-campaign.ts';
import { startFakeResendApi, type FakeResendApi } from '../fakes/resend-api.ts';
import { digestPlanFixture, paidCanary } from '../support/digest-plan-fixture.ts';
import { seedSubscribers, subscriberAddress } from '../support/subscribers.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

/** The tiers tiers.yaml declares in these tests. */
const declaredTiers = new Set(['naturalist', 'patron']);

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const secret = 'sending-test-secret-0123456789abcdef0123456789';

describe.each(engines)('$name', (engine) => {
  let handle: DatabaseHandle;
  let fake: FakeResendApi;
  let clock: Date;

  beforeAll(async () => {
    handle = await engine.open();
  });
  beforeEach(async () => {
    await handle.db.execute(sql`truncate members, campaigns, suppressions cascade`);
    fake = await startFakeResendApi();
    clock = new Date('2026-11-23T09:00:00Z');
  });
  afterEach(() => fake.close());

  function sender(overrides: Partial<SenderContext> = {}): SenderContext {
    return {
      db: handle.db,
      mailer: createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url }),
      pacer: createPacer(1000),
      secret,
      declaredTiers,
      owner: 'test-sender',
      now: () => clock,
      ...overrides,
    };
  }

  const emailsTo = (address: string) => fake.emails.filter((email) => email.to.includes(address));

  it('sends one email per subscriber in batches of at most 100, and marks the campaign sent', async () => {
    await seedSubscribers(handle.db, { count: 250, status: (index) => (index === 7 ? 'unsubscribed' : 'subscribed'), suppressed: (index) => index === 8 });
    const started = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    expect(started).toMatchObject({ status: 'sending', recipients: 248 });

    const run = await sendPendingBatches(sender());
    expect(run).toMatchObject({ batches: 3, sent: 248, failed: 0 });
    const batchCalls = fake.requests.filter((request) => request.path === '/emails/batch');
    expect(batchCalls.map((request) => (request.body as unknown[]).length)).toEqual([100, 100, 48]);
    expect(new Set(batchCalls.map((request) => request.headers['idempotency-key'])).size).toBe(3);
    expect(fake.emails).toHaveLength(248);
    expect(emailsTo(subscriberAddress(7))).toEqual([]);
    expect(emailsTo(subscriberAddress(8))).toEqual([]);

    const first = emailsTo(subscriberAddress(0))[0];
    expect(first?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(first?.headers?.['List-Unsubscribe']).toMatch(/^<https:\/\/hedgerow\.example\/unsubscribe\/one-click\?/);
    // Each recipient's links are their own.
    expect(emailsTo(subscriberAddress(1))[0]?.headers?.['List-Unsubscribe']).not.toBe(first?.headers?.['List-Unsubscribe']);

    const [campaign] = await handle.db.select().from(campaigns).where(eq(campaigns.id, started.campaignId));
    expect(campaign).toMatchObject({ status: 'sent', recipientCount: 248 });
    const rows = await handle.db.select().from(emailSends).where(eq(emailSends.campaignId, started.campaignId));
    expect(rows.every((row) => row.status === 'sent' && row.providerId !== null)).toBe(true);
    expect(new Set(rows.map((row) => row.providerId))).toEqual(new Set(fake.emails.map((email) => email.id)));
  });

  it('skips addresses unsubscribed or suppressed after the campaign started', async () => {
    await seedSubscribers(handle.db, { count: 5 });
    const { campaignId } = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    await handle.db.update(members).set({ newsletter: 'unsubscribed' }).where(eq(members.email, subscriberAddress(1)));
    await handle.db.insert(suppressions).values({ email: subscriberAddress(2), reason: 'complained' });
    await sendPendingBatches(sender());
    expect(fake.emails.flatMap((email) => email.to).sort()).toEqual([0, 3, 4].map((index) => subscriberAddress(index)));
    const skipped = await handle.db.select({ email: emailSends.email, detail: emailSends.detail }).from(emailSends).where(and(eq(emailSends.campaignId, campaignId), eq(emailSends.status, 'skipped')));
    expect(skipped.sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      { email: subscriberAddress(1), detail: 'newsletter unsubscribed' },
      { email: subscriberAddress(2), detail: 'address suppressed' },
    ]);
  });

  it('waits as Retry-After says on a 429, then sends the same batch under the same key', async () => {
    await seedSubscribers(handle.db, { count: 3 });
    await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    fake.failNext(429, 1);
    const first = await sendPendingBatches(sender());
    expect(first).toMatchObject({ sent: 0, retried: 1 });
    const [waiting] = await handle.db.select().from(sendBatches);
    expect(waiting?.nextAttemptAt?.getTime()).toBe(clock.getTime() + 1000);
    expect(waiting?.lastError).toMatch(/429/);

    // Not before the second has passed.
    expect(await sendPendingBatches(sender())).toMatchObject({ batches: 0 });
    clock = new Date(clock.getTime() + 1000);
    expect(await sendPendingBatches(sender())).toMatchObject({ sent: 3 });
    const keys = fake.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(fake.emails).toHaveLength(3);
  });

  it('backs off after a server error, and gives up after the last attempt with the reason kept', async () => {
    await seedSubscribers(handle.db, { count: 2 });
    const { campaignId } = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    fake.failNext(500, 100);
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      await sendPendingBatches(sender());
      clock = new Date(clock.getTime() + 11 * 60_000);
    }
    const rows = await handle.db.select({ status: emailSends.status, detail: emailSends.detail }).from(emailSends).where(eq(emailSends.campaignId, campaignId));
    expect(rows.map((row) => row.status)).toEqual(['failed', 'failed']);
    expect(rows[0]?.detail).toMatch(/HTTP 500/);
    expect(fake.requests).toHaveLength(8);
    const [campaign] = await handle.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaignId));
    expect(campaign?.status).toBe('sent');
  });

  it('fails a batch the provider refuses for good, without retrying it', async () => {
    await seedSubscribers(handle.db, { count: 2 });
    const { campaignId } = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture({ from: 'not an address' }), createdBy: 'test' }, clock);
    const run = await sendPendingBatches(sender());
    expect(run).toMatchObject({ failed: 2 });
    expect(fake.requests).toHaveLength(1);
    const rows = await handle.db.select({ status: emailSends.status, detail: emailSends.detail }).from(emailSends).where(eq(emailSends.campaignId, campaignId));
    expect(rows.every((row) => row.status === 'failed' && /from/.test(row.detail ?? ''))).toBe(true);
  });

  it('takes over a batch whose sender died after the provider accepted it, without a second email', async () => {
    await seedSubscribers(handle.db, { count: 120 });
    const { campaignId } = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    // A sender claims the first batch, sends it, and dies before writing anything down.
    const claimed = await claimBatch(handle.db, { owner: 'doomed', now: clock, leaseMs: 60_000, declaredTiers });
    if (!claimed) throw new Error('nothing claimed');
    const mailer = createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url });
    await mailer.sendBatch(batchEmails({ campaignId, kind: 'digest', plan: digestPlanFixture(), sends: claimed.sends, secret }), { idempotencyKey: claimed.idempotencyKey });
    expect(fake.emails).toHaveLength(100);

    // While its lease lasts, the batch is left alone; the rest goes.
    expect(await sendPendingBatches(sender())).toMatchObject({ batches: 1, sent: 20 });
    clock = new Date(clock.getTime() + 61_000);
    expect(await sendPendingBatches(sender())).toMatchObject({ batches: 1, sent: 100 });
    expect(fake.emails).toHaveLength(120);
    const perAddress = new Set(fake.emails.flatMap((email) => email.to));
    expect(perAddress.size).toBe(120);
    const [campaign] = await handle.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaignId));
    expect(campaign?.status).toBe('sent');
  });

  it('records a batch as sent when the provider says its key was already used for an accepted request', async () => {
    await seedSubscribers(handle.db, { count: 2 });
    const { campaignId } = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    const claimed = await claimBatch(handle.db, { owner: 'doomed', now: clock, leaseMs: 1000, declaredTiers });
    if (!claimed) throw new Error('nothing claimed');
    const mailer = createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url });
    // The earlier attempt carried other bytes (say, the content was edited in between).
    await mailer.sendBatch(batchEmails({ campaignId, kind: 'digest', plan: digestPlanFixture({ note: 'An older note.' }), sends: claimed.sends, secret }), { idempotencyKey: claimed.idempotencyKey });
    clock = new Date(clock.getTime() + 2000);
    await sendPendingBatches(sender());
    expect(fake.requests.map((request) => request.status)).toEqual([200, 409]);
    expect(fake.emails).toHaveLength(2);
    const rows = await handle.db.select({ status: emailSends.status, detail: emailSends.detail }).from(emailSends).where(eq(emailSends.campaignId, campaignId));
    expect(rows).toEqual([
      { status: 'sent', detail: 'accepted by an earlier attempt' },
      { status: 'sent', detail: 'accepted by an earlier attempt' },
    ]);
  });

  it('lets two senders work side by side without sending anyone twice', async () => {
    await seedSubscribers(handle.db, { count: 700 });
    await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    // On Postgres the second sender has its own connection, as a second server process would.
    const other = engine.name === 'postgres' ? await engine.open({ migrate: false }) : handle;
    const [a, b] = await Promise.all([
      sendPendingBatches(sender({ owner: 'one', concurrency: 2 })),
      sendPendingBatches(sender({ owner: 'two', concurrency: 2, db: other.db })),
    ]);
    expect(a.sent + b.sent).toBe(700);
    expect(fake.emails).toHaveLength(700);
    expect(new Set(fake.emails.flatMap((email) => email.to)).size).toBe(700);
  });

  it('gives each reader only what canRead allows: the paid body to the entitled, the teaser to everyone else', async () => {
    await seedSubscribers(handle.db, { count: 3, tier: (index) => (index === 1 ? 'naturalist' : index === 2 ? 'patron' : undefined) });
    await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, clock);
    await sendPendingBatches(sender());
    const [free, naturalist, patron] = [0, 1, 2].map((index) => emailsTo(subscriberAddress(index))[0]);
    for (const email of [free, patron]) {
      expect(email?.html).not.toContain(paidCanary);
      expect(email?.text).not.toContain(paidCanary);
      expect(email?.text).toMatch(/join\?tier=naturalist/);
    }
    expect(naturalist?.html).toContain(paidCanary);
    expect(naturalist?.text).toContain(paidCanary);
    expect(free?.text).not.toContain('secret heronry');
    expect(patron?.text).toContain('secret heronry');
  });

  it('sends a test to the owner alone, and holds a scheduled campaign until its time', async () => {
    const [owner] = await seedSubscribers(handle.db, { count: 3, status: (index) => (index === 0 ? 'unsubscribed' : 'subscribed') });
    await startCampaign(handle.db, { kind: 'test', plan: digestPlanFixture(), createdBy: 'owner', onlyMemberId: owner }, clock);
    await sendPendingBatches(sender());
    expect(fake.emails.map((email) => [email.to[0], email.subject])).toEqual([[subscriberAddress(0), '[Test] The Hedgerow Weekly: Owl pellets, opened']]);

    const later = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'owner', scheduledFor: new Date(clock.getTime() + 3_600_000) }, clock);
    const cancelled = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'owner', scheduledFor: new Date(clock.getTime() + 3_600_000) }, clock);
    expect(later.status).toBe('scheduled');
    expect(await cancelCampaign(handle.db, cancelled.campaignId)).toBe(true);
    expect(await startDueCampaigns(handle.db, clock)).toEqual([]);
    clock = new Date(clock.getTime() + 3_600_000);
    expect(await startDueCampaigns(handle.db, clock)).toEqual([later.campaignId]);
    expect(await cancelCampaign(handle.db, later.campaignId)).toBe(false);
    await sendPendingBatches(sender());
    expect(fake.emails).toHaveLength(3);
  });

  it('starts one campaign per schedule slot however many times it is asked', async () => {
    await seedSubscribers(handle.db, { count: 2 });
    const request = { kind: 'digest' as const, plan: digestPlanFixture(), createdBy: 'schedule', slot: '2026-11-23T09:00:00.000Z' };
    const [one, two] = await Promise.all([startCampaign(handle.db, request, clock), startCampaign(handle.db, request, clock)]);
    expect(one.campaignId).toBe(two.campaignId);
    expect([one.existing, two.existing].filter(Boolean)).toHaveLength(1);
    const count = await handle.db.select({ count: sql<number>`count(*)::int` }).from(emailSends);
    expect(count[0]?.count).toBe(2);
  });
});
