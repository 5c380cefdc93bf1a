/**
 * The newsletter's work in the server process, every few seconds: start the scheduled
 * digest when its slot comes, start campaigns scheduled by hand, and send what is queued.
 * Runs never overlap within a process; across processes the database's leases and
 * unique slots keep every email single.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Database } from '../../../db/client.ts';
import type { Mailer } from '../mail/email.ts';
import type { DigestPlan } from '../newsletter/digest/plan.ts';
import { startScheduledDigest } from '../newsletter/digest-scheduler.ts';
import type { Schedule } from '../newsletter/schedule.ts';
import { sendPendingBatches, type SendRun } from '../newsletter/send-campaigns.ts';
import { createPacer, requestsPerSecondFrom, senderConcurrency, type Pacer } from '../newsletter/send-pacing.ts';
import { startDueCampaigns } from '../newsletter/start-campaign.ts';
import { startIntervalJob, type IntervalJob } from './interval-job.ts';

export interface NewsletterJobContext {
  db: Database;
  mailer: Mailer;
  secret: string;
  /** The tier ids of tiers.yaml, for what each recipient may read. */
  declaredTiers: ReadonlySet<string>;
  schedule: Schedule;
  composeDigest: () => Promise<DigestPlan>;
  isEmpty: (plan: DigestPlan) => boolean;
}

export type NewsletterJob = IntervalJob<SendRun>;

export interface NewsletterJobOptions {
  intervalMs?: number;
  /** The schedule is looked at this often; sending is checked on every tick. */
  scheduleCheckMs?: number;
  pacer?: Pacer;
  log?: Pick<Console, 'error' | 'log'>;
}

export function startNewsletterJob(getContext: () => Promise<NewsletterJobContext>, options: NewsletterJobOptions = {}): NewsletterJob {
  const log = options.log ?? console;
  const requestsPerSecond = requestsPerSecondFrom();
  const pacer = options.pacer ?? createPacer(requestsPerSecond);
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const scheduleCheckMs = options.scheduleCheckMs ?? 60_000;
  let lastScheduleCheck = 0;

  const tick = async (): Promise<SendRun> => {
    const context = await getContext();
    const now = new Date();
    if (now.getTime() - lastScheduleCheck >= scheduleCheckMs) {
      lastScheduleCheck = now.getTime();
      const outcome = await startScheduledDigest(context.db, { schedule: context.schedule, now, compose: context.composeDigest, isEmpty: context.isEmpty });
      if (outcome.kind === 'started') log.log(`Scheduled digest started: ${outcome.campaign.recipients} recipients (campaign ${outcome.campaign.campaignId}).`);
    }
    await startDueCampaigns(context.db, now);
    return sendPendingBatches({ db: context.db, mailer: context.mailer, pacer, secret: context.secret, declaredTiers: context.declaredTiers, owner, concurrency: senderConcurrency(requestsPerSecond), log });
  };

  return startIntervalJob(tick, options.intervalMs ?? 5_000, (error) => log.error('The newsletter job failed; trying again on the next tick:', error));
}

// On globalThis, like the mailer: the start script and the server bundle each load their own
// copy of this module, and there must be one job per process.
const jobKey = Symbol.for('coterie.newsletterJob');
const holder = globalThis as typeof globalThis & { [jobKey]?: NewsletterJob };

/** Starts the job unless this process runs it already; from middleware, where the content can be read. */
export function ensureNewsletterJob(getContext: () => Promise<NewsletterJobContext>, options?: NewsletterJobOptions): NewsletterJob {
  holder[jobKey] ??= startNewsletterJob(getContext, options);
  return holder[jobKey];
}

/** Runs a tick now in this process's job, if there is one: a campaign started by hand goes at once. */
export function nudgeNewsletterJob(): void {
  void holder[jobKey]?.runNow();
}

export function stopNewsletterJob(): void {
  holder[jobKey]?.stop();
  delete holder[jobKey];
}
