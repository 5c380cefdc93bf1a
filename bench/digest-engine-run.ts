/**
 * One engine's digest send, in a fresh process so its memory is its own (the database
 * was seeded by the parent): starts the campaign, sends it through the Resend fake at the
 * configured rate, renders every email again apart to time rendering alone, and prints
 * one JSON line of figures. Driven by digest-benchmark.ts.
 *
 *   node bench/digest-engine-run.ts <location JSON> <requests per second> <resend url> <api key>
 */
import { eq } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { campaigns, emailSends } from '../db/schema.ts';
import { createResendMailer } from '../src/server/mail/resend.ts';
import { batchEmails } from '../src/server/newsletter/batch-emails.ts';
import { parseReader } from '../src/server/newsletter/recipient-readers.ts';
import { sendPendingBatches } from '../src/server/newsletter/send-campaigns.ts';
import { createPacer, senderConcurrency } from '../src/server/newsletter/send-pacing.ts';
import { startCampaign } from '../src/server/newsletter/start-campaign.ts';
import { digestPlanFixture } from '../tests/support/digest-plan-fixture.ts';

const [location, rate, resendUrl, apiKey] = process.argv.slice(2) as [string, string, string, string];
const requestsPerSecond = Number(rate);
const secret = 'bench-secret-0123456789abcdef0123456789abcdef';
const handle = await openDatabase(JSON.parse(location) as { dataDir: string } | { url: string });
const { db } = handle;

try {
  const plan = digestPlanFixture();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 20);
  const startedAt = performance.now();
  const { campaignId } = await startCampaign(db, { kind: 'digest', plan, createdBy: 'bench' }, new Date());
  const queuedAt = performance.now();
  const run = await sendPendingBatches({
    db,
    mailer: createResendMailer({ apiKey, baseUrl: resendUrl }),
    pacer: createPacer(requestsPerSecond),
    secret,
    // The bench's plans name tiers the demo declares.
    declaredTiers: new Set(['naturalist', 'patron']),
    owner: 'bench',
    // What the server's newsletter job uses at this rate, unless BENCH_CONCURRENCY says otherwise.
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? senderConcurrency(requestsPerSecond)),
  });
  const totalMs = performance.now() - startedAt;
  clearInterval(sampler);
  const [campaign] = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaignId));

  // Rendering, measured apart on the same recipients: every email of the campaign, rendered again.
  const sends = await db.select().from(emailSends).where(eq(emailSends.campaignId, campaignId)).orderBy(emailSends.position);
  const renderStart = performance.now();
  for (let start = 0; start < sends.length; start += 100) {
    batchEmails({
      campaignId,
      kind: 'digest',
      plan,
      secret,
      sends: sends.slice(start, start + 100).map((send) => ({ ...send, reader: parseReader(send.segment ?? '') })),
    });
  }
  const renderMs = performance.now() - renderStart;
  const mib = (bytes: number) => bytes / 2 ** 20;
  process.stdout.write(
    `${JSON.stringify({ status: campaign?.status, sent: run.sent, batches: run.batches, queueMs: queuedAt - startedAt, totalMs, renderMs, baselineRssMiB: mib(baselineRss), peakRssMiB: mib(peakRss), peakHeapMiB: mib(peakHeap) })}\n`,
  );
} finally {
  await handle.close();
}
