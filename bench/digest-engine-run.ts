/**
 * One engine's digest send, in a fresh process so its memory is its own: seeds the
 * subscribers, starts the campaign and sends it through the Resend fake at the configured
 * rate, and prints one JSON line of figures. Driven by digest-benchmark.ts.
 *
 *   node bench/digest-engine-run.ts <pglite|postgres> <recipients> <requests per second> <resend url> <api key> [admin url]
 */
import { eq } from 'drizzle-orm';
import { campaigns, emailSends } from '../db/schema.ts';
import { createResendMailer } from '../src/server/mail/resend.ts';
import { batchEmails } from '../src/server/newsletter/batch-emails.ts';
import { parseReader } from '../src/server/newsletter/recipient-readers.ts';
import { sendPendingBatches } from '../src/server/newsletter/send-campaigns.ts';
import { createPacer } from '../src/server/newsletter/send-pacing.ts';
import { startCampaign } from '../src/server/newsletter/start-campaign.ts';
import { digestPlanFixture } from '../tests/support/digest-plan-fixture.ts';
import { seedSubscribers } from '../tests/support/subscribers.ts';
import { freshPglite, freshPostgres } from './bench-databases.ts';

const [engine, count, rate, resendUrl, apiKey, adminUrl] = process.argv.slice(2) as [string, string, string, string, string, string | undefined];
const recipients = Number(count);
const requestsPerSecond = Number(rate);
const database = engine === 'postgres' ? await freshPostgres(adminUrl ?? '') : await freshPglite();
const { db } = database.handle;

try {
  // One in ten a paying member, so the run renders more than one segment.
  await seedSubscribers(db, { count: recipients, tier: (index) => (index % 10 === 0 ? 'naturalist' : index % 25 === 0 ? 'patron' : undefined) });
  const plan = digestPlanFixture();

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const startedAt = performance.now();
  const { campaignId } = await startCampaign(db, { kind: 'digest', plan, createdBy: 'bench' }, new Date());
  const queuedAt = performance.now();
  const run = await sendPendingBatches({
    db,
    mailer: createResendMailer({ apiKey, baseUrl: resendUrl }),
    pacer: createPacer(requestsPerSecond),
    secret: 'bench-secret-0123456789abcdef0123456789abcdef',
    owner: 'bench',
    concurrency: 2,
  });
  const totalMs = performance.now() - startedAt;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const [campaign] = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaignId));

  // Rendering, measured apart on the same recipients: every email of the campaign, rendered again.
  const sends = await db.select().from(emailSends).where(eq(emailSends.campaignId, campaignId)).orderBy(emailSends.position);
  const renderStart = performance.now();
  for (let start = 0; start < sends.length; start += 100) {
    batchEmails({
      campaignId,
      kind: 'digest',
      plan,
      secret: 'bench-secret-0123456789abcdef0123456789abcdef',
      sends: sends.slice(start, start + 100).map((send) => ({ ...send, reader: parseReader(send.segment ?? '') })),
    });
  }
  const renderMs = performance.now() - renderStart;

  process.stdout.write(
    `${JSON.stringify({ engine, recipients, status: campaign?.status, sent: run.sent, batches: run.batches, queueMs: queuedAt - startedAt, totalMs, renderMs, peakRssMiB: peakRss / 2 ** 20 })}\n`,
  );
} finally {
  await database.drop();
}
