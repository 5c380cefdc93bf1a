/**
 * Starting a campaign: one row per recipient, all written in the transaction that moves
 * the campaign to 'sending', so a crash leaves either every recipient queued or none.
 * The sender (send-campaigns.ts) takes it from there.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { campaigns, emailSends, members, suppressions, type CampaignKind } from '../../../db/schema.ts';
import type { DigestPlan } from './digest/plan.ts';

export interface CampaignRequest {
  kind: CampaignKind;
  plan: DigestPlan;
  /** 'schedule', 'cli', or the owner's email address. */
  createdBy: string;
  /** The schedule slot a scheduled digest fills; a second start for the same slot starts nothing. */
  slot?: string;
  /** Later than now: the campaign waits, and its recipients are chosen when it is due. */
  scheduledFor?: Date;
  /** For a test: the one member who receives it. */
  onlyMemberId?: string;
}

export interface StartedCampaign {
  campaignId: string;
  status: 'scheduled' | 'sending';
  recipients: number;
  /** True when the slot was already taken: nothing new was started. */
  existing?: boolean;
}

export async function startCampaign(db: Database, request: CampaignRequest, now: Date): Promise<StartedCampaign> {
  if (request.kind === 'test' && !request.onlyMemberId) throw new Error('A test campaign needs the member who receives it.');
  const waits = request.scheduledFor !== undefined && request.scheduledFor.getTime() > now.getTime();
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(campaigns)
      .values({
        kind: request.kind,
        status: waits ? 'scheduled' : 'sending',
        subject: request.plan.subject,
        slot: request.slot,
        plan: request.plan,
        scheduledFor: request.scheduledFor ?? null,
        createdBy: request.createdBy,
        createdAt: now,
        startedAt: waits ? null : now,
      })
      .onConflictDoNothing({ target: campaigns.slot })
      .returning({ id: campaigns.id });
    if (!created) {
      const [existing] = await tx.select().from(campaigns).where(eq(campaigns.slot, request.slot ?? ''));
      if (!existing) throw new Error('The campaign could not be created.');
      return { campaignId: existing.id, status: existing.status === 'scheduled' ? 'scheduled' : 'sending', recipients: existing.recipientCount, existing: true };
    }
    if (waits) return { campaignId: created.id, status: 'scheduled', recipients: 0 };
    const recipients = await writeRecipients(tx, created.id, request.kind, request.onlyMemberId, now);
    return { campaignId: created.id, status: 'sending', recipients };
  });
}

/**
 * Moves scheduled campaigns whose time has come to 'sending', writing their recipients.
 * The conditional update makes each one start once, whichever process gets there first.
 */
export async function startDueCampaigns(db: Database, now: Date): Promise<string[]> {
  const due = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.status, 'scheduled'), lte(campaigns.scheduledFor, now)))
    .orderBy(asc(campaigns.scheduledFor));
  const started: string[] = [];
  for (const { id } of due) {
    const began = await db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(campaigns)
        .set({ status: 'sending', startedAt: now })
        .where(and(eq(campaigns.id, id), eq(campaigns.status, 'scheduled')))
        .returning({ kind: campaigns.kind });
      if (!claimed) return false;
      await writeRecipients(tx, id, claimed.kind, undefined, now);
      return true;
    });
    if (began) started.push(id);
  }
  return started;
}

/** Cancels a campaign that has not started; false when it already has (or does not exist). */
export async function cancelCampaign(db: Database, campaignId: string): Promise<boolean> {
  const canceled = await db
    .update(campaigns)
    .set({ status: 'canceled' })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, 'scheduled')))
    .returning({ id: campaigns.id });
  return canceled.length > 0;
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Queues everyone the campaign goes to, in one INSERT … SELECT: the database numbers the
 * rows itself, so ten thousand recipients cost one statement, not ten thousand values
 * sent over the wire. Addresses are checked again when each batch is claimed: someone
 * who unsubscribes after this moment still gets nothing.
 */
async function writeRecipients(tx: Transaction, campaignId: string, kind: CampaignKind, onlyMemberId: string | undefined, now: Date): Promise<number> {
  const audience = kind === 'test' && onlyMemberId ? sql`m.id = ${onlyMemberId}` : sql`m.newsletter = 'subscribed'`;
  const inserted = await tx.execute(sql`
    insert into ${emailSends} (id, campaign_id, member_id, email, position, idempotency_key, updated_at)
    select ${campaignId} || '-' || (n - 1), ${campaignId}, id, email, n - 1, ${`coterie-campaign-${campaignId}-`} || id, ${now.toISOString()}::timestamptz
    from (
      select m.id, m.email, row_number() over (order by m.created_at, m.id) as n
      from ${members} m
      where ${audience} and not exists (select 1 from ${suppressions} s where s.email = m.email)
    ) as recipients`);
  const count = affectedRows(inserted);
  await tx
    .update(campaigns)
    .set({ recipientCount: count, ...(count === 0 ? { status: 'sent' as const, sentAt: now } : {}) })
    .where(eq(campaigns.id, campaignId));
  return count;
}

// postgres-js reports `count`, PGlite `affectedRows`.
function affectedRows(result: unknown): number {
  const value = result as { count?: number; affectedRows?: number };
  return Number(value.affectedRows ?? value.count ?? 0);
}
