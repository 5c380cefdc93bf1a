/**
 * The campaign sender: claims batches, sends each in one provider call, and records the
 * outcome. Exactly once rests on two things: a batch's idempotency key never changes (a
 * repeat after a crash is answered from the provider's memory, not sent again), and its
 * emails render the same on every attempt (batch-emails.ts).
 *
 *   sent      → every email marked sent with the provider's id
 *   conflict  → an earlier attempt with this key was accepted: marked sent
 *   transient → retried after Retry-After or backoff, up to maxBatchAttempts
 *   refused   → its emails marked failed, with the provider's reason
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { campaigns, emailSends, sendBatches } from '../../../db/schema.ts';
import { MailSendError, type Mailer } from '../mail/email.ts';
import { batchEmails } from './batch-emails.ts';
import { claimBatch, completeIfSettled, type ClaimedBatch } from './claim-batch.ts';
import type { DigestPlan } from './digest/plan.ts';
import { backoffMs, maxBatchAttempts, type Pacer } from './send-pacing.ts';

export interface SenderContext {
  db: Database;
  mailer: Mailer;
  pacer: Pacer;
  /** Signs unsubscribe links. */
  secret: string;
  /** The tier ids of tiers.yaml: what each recipient may read is judged with these. */
  declaredTiers: ReadonlySet<string>;
  /** Unique to this sender (process and run), for leases. */
  owner: string;
  now?: () => Date;
  /** How long a claimed batch is held before another sender may take it over. */
  leaseMs?: number;
  /** Batches in flight at once; the pacer still spaces the calls. */
  concurrency?: number;
  log?: Pick<Console, 'error'>;
}

export interface SendRun {
  batches: number;
  sent: number;
  failed: number;
  retried: number;
}

const defaultLeaseMs = 5 * 60_000;

/** Sends until no batch is ready (new recipients, or a retry whose time has come). */
export async function sendPendingBatches(context: SenderContext): Promise<SendRun> {
  const run: SendRun = { batches: 0, sent: 0, failed: 0, retried: 0 };
  const plans = new Map<string, Promise<DigestPlan>>();
  const worker = async () => {
    for (;;) {
      const now = (context.now ?? (() => new Date()))();
      const batch = await claimBatch(context.db, { owner: context.owner, now, leaseMs: context.leaseMs ?? defaultLeaseMs, declaredTiers: context.declaredTiers });
      if (!batch) return;
      run.batches += 1;
      let plan = plans.get(batch.campaignId);
      if (!plan) {
        plan = loadPlan(context.db, batch.campaignId);
        plans.set(batch.campaignId, plan);
      }
      const outcome = await sendBatch(context, batch, await plan);
      if (outcome === 'sent') run.sent += batch.sends.length;
      else if (outcome === 'failed') run.failed += batch.sends.length;
      else run.retried += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, context.concurrency ?? 1) }, worker));
  return run;
}

async function sendBatch(context: SenderContext, batch: ClaimedBatch, plan: DigestPlan): Promise<'sent' | 'failed' | 'retry'> {
  const { db, mailer, pacer } = context;
  const clock = context.now ?? (() => new Date());
  let providerIds: (string | null)[];
  try {
    if (batch.sends.length === 0) {
      providerIds = [];
    } else {
      const emails = batchEmails({ campaignId: batch.campaignId, kind: batch.campaignKind, plan, sends: batch.sends, secret: context.secret });
      await pacer.take();
      const sent = await mailer.sendBatch(emails, { idempotencyKey: batch.idempotencyKey });
      providerIds = sent.map((email) => email.id);
    }
  } catch (error) {
    if (error instanceof MailSendError && error.conflict) {
      // The key was spent on an accepted request whose answer we never recorded.
      providerIds = batch.sends.map(() => null);
    } else {
      const retryable = !(error instanceof MailSendError) || error.retryable;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof MailSendError && error.retryAfterSeconds !== undefined) pacer.pauseFor(error.retryAfterSeconds * 1000);
      if (retryable && batch.attempts < maxBatchAttempts) {
        const waitMs = error instanceof MailSendError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : backoffMs(batch.attempts);
        await db
          .update(sendBatches)
          .set({ leaseOwner: null, leaseUntil: null, nextAttemptAt: new Date(clock().getTime() + waitMs), lastError: message })
          .where(eq(sendBatches.id, batch.id));
        return 'retry';
      }
      context.log?.error(`A newsletter batch of ${batch.sends.length} emails failed for good: ${message}`);
      await settleFailed(db, batch, message, clock());
      return 'failed';
    }
  }
  await settleSent(db, batch, providerIds, clock());
  return 'sent';
}

async function settleSent(db: Database, batch: ClaimedBatch, providerIds: readonly (string | null)[], now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    if (batch.sends.length > 0) {
      // Raw SQL takes the instant as text: drivers disagree on binding a Date here.
      const at = now.toISOString();
      const values = sql.join(
        batch.sends.map((send, index) => sql`(${send.id}::text, ${providerIds[index] ?? null}::text)`),
        sql`, `,
      );
      // One statement for the whole batch; `status = 'queued'` leaves rows a webhook already moved on.
      await tx.execute(sql`
        update ${emailSends} as s
        set status = 'sent', provider_id = v.provider_id, sent_at = ${at}::timestamptz, updated_at = ${at}::timestamptz,
            detail = case when v.provider_id is null then 'accepted by an earlier attempt' else null end
        from (values ${values}) as v(id, provider_id)
        where s.id = v.id and s.status = 'queued'`);
    }
    await tx.update(sendBatches).set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null }).where(eq(sendBatches.id, batch.id));
    await completeIfSettled(tx, batch.campaignId, now);
  });
}

async function settleFailed(db: Database, batch: ClaimedBatch, reason: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(emailSends)
      .set({ status: 'failed', detail: reason.slice(0, 500), updatedAt: now })
      .where(and(eq(emailSends.batchId, batch.id), eq(emailSends.status, 'queued')));
    await tx.update(sendBatches).set({ status: 'failed', leaseUntil: null, lastError: reason }).where(eq(sendBatches.id, batch.id));
    await completeIfSettled(tx, batch.campaignId, now);
  });
}

async function loadPlan(db: Database, campaignId: string): Promise<DigestPlan> {
  const [campaign] = await db.select({ plan: campaigns.plan }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign) throw new Error(`Campaign ${campaignId} does not exist.`);
  return campaign.plan as DigestPlan;
}
