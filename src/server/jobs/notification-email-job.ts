/**
 * Sends due notification emails every minute while the server runs. The batch window
 * (15 minutes) decides when a member is emailed; the interval only decides how soon
 * after that the email leaves. Runs never overlap, and a failed run is logged and
 * retried on the next tick: the claims in `sendNotificationEmails` keep it at most once.
 */
import { startIntervalJob, type IntervalJob } from './interval-job.ts';
import { sendNotificationEmails, type NotificationEmailContext, type NotificationEmailOptions, type NotificationEmailRun } from '../discussions/notification-emails.ts';

export type NotificationEmailJob = IntervalJob<NotificationEmailRun>;

export function startNotificationEmailJob(
  getContext: () => NotificationEmailContext | Promise<NotificationEmailContext>,
  intervalMs = 60_000,
  options: NotificationEmailOptions & { log?: Pick<Console, 'error'> } = {},
): NotificationEmailJob {
  const log = options.log ?? console;
  const run = async () => {
    const sent = await sendNotificationEmails(await getContext(), options);
    for (const failure of sent.failures) {
      log.error(`A notification email to member ${failure.memberId} failed${failure.retryable ? '; it is retried on the next run' : ' for good'}:`, failure.error);
    }
    return sent;
  };
  return startIntervalJob(run, intervalMs, (error) => log.error('Sending notification emails failed; trying again on the next run:', error));
}

// On globalThis, like the mailer: the start script and the server bundle each load their
// own copy of this module, and there must be one job per process between them.
const jobKey = Symbol.for('coterie.notificationEmailJob');
const holder = globalThis as typeof globalThis & { [jobKey]?: NotificationEmailJob };

/**
 * Starts the job unless this process already runs it: for code that runs on every
 * request (middleware), where the places of threads (`astro:content`) can be reached.
 */
export function ensureNotificationEmailJob(
  getContext: () => NotificationEmailContext | Promise<NotificationEmailContext>,
  intervalMs = 60_000,
): NotificationEmailJob {
  holder[jobKey] ??= startNotificationEmailJob(getContext, intervalMs);
  return holder[jobKey];
}

/** Stops the process's job, if one was started with `ensureNotificationEmailJob`; for shutdown. */
export function stopNotificationEmailJob(): void {
  holder[jobKey]?.stop();
  delete holder[jobKey];
}
