/**
 * A sender in a process of its own, for the crash tests: it sends the queued campaign
 * email through Resend (the fake, via RESEND_BASE_URL) until the campaign is sent, then
 * exits 0. The test kills it with SIGKILL at random moments and starts it again.
 *
 * Environment: COTERIE_TEST_DATABASE_URL (Postgres) or COTERIE_TEST_DATA_DIR (PGlite),
 * RESEND_API_KEY, RESEND_BASE_URL, CAMPAIGN_ID, SENDER_RATE (requests per second),
 * LEASE_MS.
 */
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { campaigns } from '../../db/schema.ts';
import { createResendMailer } from '../../src/server/mail/resend.ts';
import { sendPendingBatches } from '../../src/server/newsletter/send-campaigns.ts';
import { createPacer } from '../../src/server/newsletter/send-pacing.ts';

const env = process.env;
const handle = await openDatabase(env.COTERIE_TEST_DATABASE_URL ? { url: env.COTERIE_TEST_DATABASE_URL } : { dataDir: env.COTERIE_TEST_DATA_DIR });
const mailer = createResendMailer({ apiKey: env.RESEND_API_KEY ?? '', baseUrl: env.RESEND_BASE_URL });
const pacer = createPacer(Number(env.SENDER_RATE ?? '50'));
const campaignId = env.CAMPAIGN_ID ?? '';

for (;;) {
  await sendPendingBatches({
    db: handle.db,
    mailer,
    pacer,
    secret: 'crash-test-secret-0123456789abcdef0123456789',
    declaredTiers: new Set(['naturalist', 'patron']),
    owner: `crash-test:${process.pid}`,
    leaseMs: Number(env.LEASE_MS ?? '1000'),
    concurrency: 2,
  });
  const [campaign] = await handle.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (campaign?.status === 'sent') break;
  // A batch still leased by a sender that died: wait for its lease to run out.
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await handle.close();
process.stdout.write('sent\n');
