/**
 * Claiming work for a sender. The unit is a batch of at most 100 emails, leased through
 * the database: a batch whose lease ran out (its sender died) is taken over and sent
 * again under the same idempotency key; otherwise the next queued recipients become a
 * new batch. `FOR UPDATE SKIP LOCKED` lets several processes claim side by side without
 * ever holding the same rows.
 */
import { and, asc, eq, exists, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { campaigns, emailSends, members, sendBatches, suppressions, type CampaignKind } from '../../../db/schema.ts';
import { maxBatchSize } from '../mail/email.ts';
import { parseReader, recipientReaders, serializeReader, type RecipientReader } from './recipient-readers.ts';

export interface ClaimedBatch {
  id: string;
  campaignId: string;
  campaignKind: CampaignKind;
  idempotencyKey: string;
  /** Including this one. */
  attempts: number;
  sends: BatchSend[];
}

export interface BatchSend {
  id: string;
  memberId: string;
  email: string;
  idempotencyKey: string;
  /** What the reader may see, as it was when the batch was claimed. */
  reader: RecipientReader;
}

export interface ClaimOptions {
  /** Who holds the lease: a name unique to this sender. */
  owner: string;
  now: Date;
  /** How long the batch is ours; after that another sender may take it over. */
  leaseMs: number;
  /** The tier ids of tiers.yaml, for what each recipient may read. */
  declaredTiers: ReadonlySet<string>;
  batchSize?: number;
}

export async function claimBatch(db: Database, options: ClaimOptions): Promise<ClaimedBatch | undefined> {
  const retaken = await retakeAbandonedBatch(db, options);
  if (retaken) return loadBatch(db, retaken);
  // Every recipient of a new batch may turn out to be skipped; then try the next ones.
  for (;;) {
    const created = await createBatch(db, options);
    if (created === 'none') return undefined;
    if (created !== 'all-skipped') return created;
  }
}

async function retakeAbandonedBatch(db: Database, { owner, now, leaseMs }: ClaimOptions): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: sendBatches.id, attempts: sendBatches.attempts })
      .from(sendBatches)
      .where(
        and(
          eq(sendBatches.status, 'open'),
          or(isNull(sendBatches.leaseUntil), lt(sendBatches.leaseUntil, now)),
          or(isNull(sendBatches.nextAttemptAt), lte(sendBatches.nextAttemptAt, now)),
        ),
      )
      .orderBy(asc(sendBatches.createdAt))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!open) return undefined;
    await tx
      .update(sendBatches)
      .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs), attempts: open.attempts + 1 })
      .where(eq(sendBatches.id, open.id));
    return open.id;
  });
}

async function createBatch(db: Database, { owner, now, leaseMs, declaredTiers, batchSize = maxBatchSize }: ClaimOptions): Promise<ClaimedBatch | 'none' | 'all-skipped'> {
  return db.transaction(async (tx) => {
    // The oldest campaign still sending that has recipients left, then its next ones in
    // order (the partial index email_sends_unbatched_idx serves both).
    const [next] = await tx
      .select({ id: campaigns.id, kind: campaigns.kind })
      .from(campaigns)
      .where(
        and(
          eq(campaigns.status, 'sending'),
          exists(tx.select({ one: sql`1` }).from(emailSends).where(and(eq(emailSends.campaignId, campaigns.id), eq(emailSends.status, 'queued'), isNull(emailSends.batchId)))),
        ),
      )
      .orderBy(asc(campaigns.startedAt), asc(campaigns.id))
      .limit(1);
    if (!next) return 'none';
    const rows = await tx
      .select({ id: emailSends.id, memberId: emailSends.memberId, email: emailSends.email, idempotencyKey: emailSends.idempotencyKey })
      .from(emailSends)
      .where(and(eq(emailSends.campaignId, next.id), eq(emailSends.status, 'queued'), isNull(emailSends.batchId)))
      .orderBy(asc(emailSends.position))
      .limit(Math.min(batchSize, maxBatchSize))
      .for('update', { skipLocked: true });
    // Another sender holds every remaining row of this campaign right now: try again shortly.
    if (rows.length === 0) return 'none';
    const first = { campaignId: next.id, kind: next.kind };

    // Checked again now, not only when the campaign started: unsubscribes and bounces since then count.
    const current = await tx
      .select({ id: members.id, email: members.email, newsletter: members.newsletter, role: members.role, suppressedAs: suppressions.reason })
      .from(members)
      .leftJoin(suppressions, eq(suppressions.email, members.email))
      .where(inArray(members.id, rows.map((row) => row.memberId)));
    const byMember = new Map(current.map((member) => [member.id, { ...member, suppressed: member.suppressedAs !== null }]));
    const skipped: { id: string; why: string }[] = [];
    const eligible: { id: string; memberId: string; email: string; queuedEmail: string; idempotencyKey: string; role: RecipientReader['role'] }[] = [];
    for (const row of rows) {
      const member = byMember.get(row.memberId);
      const why = !member
        ? 'member deleted'
        : member.suppressed
          ? 'address suppressed'
          : first.kind === 'digest' && member.newsletter !== 'subscribed'
            ? `newsletter ${member.newsletter}`
            : undefined;
      if (why || !member) skipped.push({ id: row.id, why: why ?? 'member deleted' });
      else eligible.push({ ...row, email: member.email, queuedEmail: row.email, role: member.role });
    }
    for (const [why, ids] of groupBy(skipped, (row) => row.why)) {
      await tx.update(emailSends).set({ status: 'skipped', detail: why, updatedAt: now }).where(inArray(emailSends.id, ids.map((row) => row.id)));
    }
    if (eligible.length === 0) {
      await completeIfSettled(tx, first.campaignId, now);
      return 'all-skipped';
    }

    const [batch] = await tx
      .insert(sendBatches)
      .values({
        campaignId: first.campaignId,
        idempotencyKey: `coterie-batch-${first.campaignId}-${eligible[0]!.id}`,
        leaseOwner: owner,
        leaseUntil: new Date(now.getTime() + leaseMs),
        attempts: 1,
        createdAt: now,
      })
      .returning({ id: sendBatches.id, idempotencyKey: sendBatches.idempotencyKey });
    if (!batch) throw new Error('The send batch could not be created.');

    // Readers are fixed now, so a retry of this batch renders byte-identical emails.
    const readers = await recipientReaders(tx, eligible.map((row) => ({ id: row.memberId, role: row.role })), now, declaredTiers);
    const readerOf = (row: (typeof eligible)[number]) => readers.get(row.memberId) ?? { role: row.role, tiers: [] };
    const segments = groupBy(eligible, (row) => serializeReader(readerOf(row)));
    for (const [segment, ids] of segments) {
      await tx.update(emailSends).set({ batchId: batch.id, segment, updatedAt: now }).where(inArray(emailSends.id, ids.map((row) => row.id)));
    }
    // Send to the address the member has now, should it have changed since the campaign started.
    for (const row of eligible.filter((row) => row.email !== row.queuedEmail)) {
      await tx.update(emailSends).set({ email: row.email }).where(eq(emailSends.id, row.id));
    }
    return {
      id: batch.id,
      campaignId: first.campaignId,
      campaignKind: first.kind,
      idempotencyKey: batch.idempotencyKey,
      attempts: 1,
      sends: eligible.map((row) => ({ id: row.id, memberId: row.memberId, email: row.email, idempotencyKey: row.idempotencyKey, reader: readerOf(row) })),
    };
  });
}

async function loadBatch(db: Database, batchId: string): Promise<ClaimedBatch> {
  const [batch] = await db
    .select({
      id: sendBatches.id,
      campaignId: sendBatches.campaignId,
      idempotencyKey: sendBatches.idempotencyKey,
      attempts: sendBatches.attempts,
      campaignKind: campaigns.kind,
    })
    .from(sendBatches)
    .innerJoin(campaigns, eq(campaigns.id, sendBatches.campaignId))
    .where(eq(sendBatches.id, batchId));
  if (!batch) throw new Error(`Send batch ${batchId} vanished while it was being claimed.`);
  const sends = await db
    .select({ id: emailSends.id, memberId: emailSends.memberId, email: emailSends.email, idempotencyKey: emailSends.idempotencyKey, segment: emailSends.segment })
    .from(emailSends)
    .where(and(eq(emailSends.batchId, batchId), eq(emailSends.status, 'queued')))
    .orderBy(asc(emailSends.position));
  return {
    ...batch,
    sends: sends.map(({ segment, ...send }) => ({ ...send, reader: parseReader(segment ?? '{"role":"member","tiers":[]}') })),
  };
}

type Executor = Pick<Database, 'update' | 'select'>;

/** Marks the campaign sent once no recipient is left queued. Safe to call any time. */
export async function completeIfSettled(db: Executor, campaignId: string, now: Date): Promise<void> {
  await db
    .update(campaigns)
    .set({ status: 'sent', sentAt: now })
    .where(
      and(
        eq(campaigns.id, campaignId),
        eq(campaigns.status, 'sending'),
        notExists(db.select({ one: sql`1` }).from(emailSends).where(and(eq(emailSends.campaignId, campaignId), eq(emailSends.status, 'queued')))),
      ),
    );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
