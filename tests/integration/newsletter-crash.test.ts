/**
 * Exactly once, the hard way: a 2,000-recipient campaign whose sending process is killed
 * with SIGKILL at random moments and started again until it finishes. Every eligible
 * recipient must have received exactly one email, and no suppressed or unsubscribed
 * address any. The fake answers each request 40 ms after accepting it, so kills land
 * between "the provider took the batch" and "we wrote that down" — the case that
 * duplicates emails when a sender relies on its own records alone.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { emailSends, type NewsletterStatus } from '../../db/schema.ts';
import { startCampaign } from '../../src/server/newsletter/start-campaign.ts';
import { startFakeResendApi } from '../fakes/resend-api.ts';
import { digestPlanFixture } from '../support/digest-plan-fixture.ts';
import { seedSubscribers, subscriberAddress } from '../support/subscribers.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const recipients = 2000;
const senderScript = resolve(import.meta.dirname, '../support/newsletter-sender-process.ts');

// A seeded generator: a failure can be replayed with the seed printed in its message.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe.each(engines)('$name', (engine) => {
  it('sends every eligible recipient exactly one email across repeated SIGKILLs', { timeout: 240_000 }, async () => {
    const handle = await engine.open();
    const status = (index: number): NewsletterStatus => (index % 97 === 0 ? 'unsubscribed' : index % 89 === 0 ? 'complained' : 'subscribed');
    const suppressed = (index: number) => index % 83 === 0;
    await seedSubscribers(handle.db, { count: recipients, status, suppressed, tier: (index) => (index % 10 === 0 ? 'naturalist' : undefined) });
    const { campaignId } = await startCampaign(handle.db, { kind: 'digest', plan: digestPlanFixture(), createdBy: 'test' }, new Date());
    // Unsubscribes after the campaign started must be honoured at send time too.
    const lateLeavers = [5, 500, 1500];
    await handle.db.execute(sql`update members set newsletter = 'unsubscribed' where email in (${sql.join(lateLeavers.map((index) => sql`${subscriberAddress(index)}`), sql`, `)})`);
    // PGlite is one process per folder: the senders take turns with this test.
    if (engine.name === 'pglite') await handle.close();

    const fake = await startFakeResendApi({ latencyMs: 40 });
    const seed = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 100_000);
    const random = seeded(seed);
    const env = {
      ...process.env,
      ...(engine.name === 'postgres' ? { COTERIE_TEST_DATABASE_URL: engine.options.url } : { COTERIE_TEST_DATA_DIR: engine.options.dataDir }),
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: fake.url,
      CAMPAIGN_ID: campaignId,
      SENDER_RATE: '25',
      LEASE_MS: '800',
    };
    let kills = 0;
    try {
      for (let run = 0; ; run += 1) {
        // The first runs are killed at a random moment; the last one is left to finish.
        const killAfterMs = run < 6 ? 400 + Math.floor(random() * 900) : undefined;
        const outcome = await runSender(env, killAfterMs);
        if (outcome === 'killed') kills += 1;
        if (outcome === 'finished') break;
        if (run > 12) throw new Error(`The sender never finished (seed ${seed}).`);
      }
    } finally {
      await fake.close();
    }

    const perAddress = new Map<string, number>();
    for (const email of fake.emails) for (const to of email.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    const eligible = Array.from({ length: recipients }, (_, index) => index).filter(
      (index) => status(index) === 'subscribed' && !suppressed(index) && !lateLeavers.includes(index),
    );
    const message = `seed ${seed}, ${kills} kills`;
    expect(kills, message).toBeGreaterThan(0);
    expect(eligible.filter((index) => perAddress.get(subscriberAddress(index)) !== 1), message).toEqual([]);
    expect([...perAddress.keys()].length, message).toBe(eligible.length);
    expect(fake.requests.every((request) => !Array.isArray(request.body) || request.body.length <= 100)).toBe(true);

    const reopened = engine.name === 'pglite' ? await engine.open() : handle;
    const settled = await reopened.db.select({ status: emailSends.status, count: sql<number>`count(*)::int` }).from(emailSends).where(eq(emailSends.campaignId, campaignId)).groupBy(emailSends.status);
    expect(Object.fromEntries(settled.map((row) => [row.status, row.count])), message).toEqual({ sent: eligible.length, skipped: lateLeavers.length });
    const queued = await reopened.db.select({ count: sql<number>`count(*)::int` }).from(emailSends).where(and(eq(emailSends.campaignId, campaignId), eq(emailSends.status, 'queued')));
    expect(queued[0]?.count).toBe(0);
  });
});

function runSender(env: NodeJS.ProcessEnv, killAfterMs: number | undefined): Promise<'finished' | 'killed'> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [senderScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolvePromise('killed');
      else if (code === 0 && output.includes('sent')) resolvePromise('finished');
      else reject(new Error(`The sender exited with ${code ?? signal}:\n${output}`));
    });
  });
}
