/**
 * One timed pass of the webhook benchmark, and its baseline. A pass starts from empty
 * webhook tables, signs every delivery (untimed: Stripe signs, not us), then hands them to
 * `handleWebhookRequest` from `concurrency` workers pulling from one queue, as Stripe
 * sends events in parallel, timing each delivery on its own. The baseline times the call
 * every handler makes, `subscriptions.retrieve`, against the fake with nothing of ours
 * around it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isNotNull } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '../db/client.ts';
import { sentNotices, stripeEvents, subscriptions } from '../db/schema.ts';
import { handleWebhookRequest } from '../src/server/billing/webhook/handle-webhook-request.ts';
import { signedDelivery } from '../tests/support/billing-harness.ts';
import type { Delivery, Harness } from './webhook-storm.ts';

export type Pass = {
  concurrency: number;
  wallMs: number;
  /** CPU time this process used meanwhile (user + system), fake included; a Postgres server's is not. */
  cpuMs: number;
  /** Share of all the machine's cores busy meanwhile (Postgres server and anything else included); null without /proc. */
  machineBusy: number | null;
  /** Milliseconds per delivery, in delivery order. */
  latencies: number[];
  /** Whether each delivery repeated an event delivered earlier in the order. */
  repeats: boolean[];
  /** `processed`, `duplicate`, `ignored`, or `HTTP <status>` for anything but a 200. */
  outcomes: Record<string, number>;
  /** Calls the deliveries made to the fake's API: all `subscriptions.retrieve` here, as checkout linked every customer. */
  apiCalls: number;
  /** Anything that makes the figures suspect: failed deliveries, an end state that is off. */
  warnings: string[];
};

export type Baseline = { concurrency: number; calls: number; wallMs: number };

/** Forgets every event, subscription row and sent notice; members and customer links stay, as checkout made them. */
export async function resetWebhookTables(db: Database): Promise<void> {
  await db.delete(stripeEvents);
  await db.delete(subscriptions);
  await db.delete(sentNotices);
}

export async function deliverPass(harness: Harness, db: Database, deliveries: readonly Delivery[], concurrency: number): Promise<Pass> {
  await resetWebhookTables(db);
  harness.mailer.sent.length = 0;
  const secret = harness.fake.webhookSecret;
  const signed = deliveries.map(({ event }) => signedDelivery(harness.stripe, event, secret));
  const settings = { stripe: harness.stripe, secret, context: async () => harness.context };
  const latencies = new Array<number>(deliveries.length).fill(0);
  const outcomes: Record<string, number> = {};
  const requestsBefore = harness.fake.requests.length;

  const cpuBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const started = performance.now();
  await inParallel(signed.length, concurrency, async (index) => {
    const begun = performance.now();
    const answer = await handleWebhookRequest(signed[index] as (typeof signed)[number], settings);
    latencies[index] = performance.now() - begun;
    const outcome = answer.status === 200 && 'outcome' in answer.body ? answer.body.outcome : `HTTP ${answer.status}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineTicks();
  const machineBusy = busyShare(machineBefore, machineAfter);

  const apiCalls = harness.fake.requests.length - requestsBefore;
  const warnings = await checkEndState(db, deliveries, harness.fake.subscriptions().length, outcomes);
  return { concurrency, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, machineBusy, latencies, repeats: deliveries.map((d) => d.repeat), outcomes, apiCalls, warnings };
}

/** `calls` bare `subscriptions.retrieve` calls over `ids`, `concurrency` at a time. */
export async function retrieveBaseline(stripe: Stripe, ids: readonly string[], calls: number, concurrency: number): Promise<Baseline> {
  const started = performance.now();
  await inParallel(calls, concurrency, async (index) => {
    await stripe.subscriptions.retrieve(ids[index % ids.length] ?? '');
  });
  return { concurrency, calls, wallMs: performance.now() - started };
}

/** Every event recorded and finished, one row per subscription: else the pass measured something else. */
async function checkEndState(db: Database, deliveries: readonly Delivery[], subscriptionCount: number, outcomes: Record<string, number>): Promise<string[]> {
  const warnings = Object.entries(outcomes)
    .filter(([outcome]) => outcome.startsWith('HTTP'))
    .map(([outcome, count]) => `${count} deliveries answered ${outcome}`);
  const distinct = new Set(deliveries.map((d) => d.event.id)).size;
  const finished = await db.$count(stripeEvents, isNotNull(stripeEvents.processedAt));
  if (finished !== distinct) warnings.push(`${finished} events finished of ${distinct} delivered`);
  const rows = await db.$count(subscriptions);
  if (rows !== subscriptionCount) warnings.push(`${rows} subscription rows for ${subscriptionCount} subscriptions`);
  return warnings;
}

/** Busy and total clock ticks over all cores since boot, from the first line of /proc/stat. */
export function machineTicks(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: total - idle - iowait, total };
}

/** The share of all cores busy between two readings of `machineTicks()`. */
export function busyShare(before: ReturnType<typeof machineTicks>, after: ReturnType<typeof machineTicks>): number | null {
  return before && after && after.total > before.total ? (after.busy - before.busy) / (after.total - before.total) : null;
}

async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
