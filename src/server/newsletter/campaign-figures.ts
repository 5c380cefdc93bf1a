/**
 * How each newsletter campaign did, for /admin/newsletter: what happened to its emails
 * (from `email_sends`, kept current by the sender and Resend's webhooks) and how many
 * readers went on to pay through its upgrade links (`subscriptions.source`, see
 * checkoutSource in billing/checkout.ts). Two grouped queries, whatever the number of
 * campaigns or recipients.
 */
import { and, count, countDistinct, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { campaigns, emailSends, subscriptions, type CampaignKind, type CampaignStatus, type EmailSendStatus } from '../../../db/schema.ts';
import { campaignOfSource } from '../billing/checkout.ts';

export interface CampaignFigures {
  id: string;
  kind: CampaignKind;
  status: CampaignStatus;
  subject: string;
  createdAt: Date;
  scheduledFor: Date | null;
  /** When recipients were written and sending began. */
  startedAt: Date | null;
  /** When the last email was settled. */
  sentAt: Date | null;
  recipients: number;
  /** Accepted by the provider, whatever happened next. */
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
  /** Not sent: unsubscribed or suppressed by the time their batch went. */
  skipped: number;
  failed: number;
  /** Readers who left through this campaign's unsubscribe link. */
  unsubscribed: number;
  /** Members who started a paid membership from this campaign's upgrade links. */
  conversions: number;
}

/** Every status an email reaches once the provider has accepted it. */
export const acceptedStatuses: readonly EmailSendStatus[] = ['sent', 'delivered', 'delayed', 'bounced', 'complained'];

/**
 * Stripe statuses that mean the member held the paid tier at some point: a trial counts
 * (the reader chose to pay), and so do the states a paid subscription moves on to.
 * Checkouts never completed (`incomplete`, `incomplete_expired`) and trials that ended
 * without a card (`paused`) do not.
 */
export const convertedStatuses: readonly string[] = ['trialing', 'active', 'past_due', 'unpaid', 'canceled'];

/** The newest `limit` campaigns, newest first, with their figures. */
export async function listCampaignFigures(db: Database, limit: number): Promise<CampaignFigures[]> {
  const newest = db.select({ id: campaigns.id }).from(campaigns).orderBy(desc(campaigns.createdAt), desc(campaigns.id)).limit(limit);
  const withStatus = (statuses: readonly EmailSendStatus[]) => sql<number>`count(${emailSends.id}) filter (where ${inArray(emailSends.status, [...statuses])})`.mapWith(Number);
  const rows = await db
    .select({
      id: campaigns.id,
      kind: campaigns.kind,
      status: campaigns.status,
      subject: campaigns.subject,
      createdAt: campaigns.createdAt,
      scheduledFor: campaigns.scheduledFor,
      startedAt: campaigns.startedAt,
      sentAt: campaigns.sentAt,
      recipientCount: campaigns.recipientCount,
      written: count(emailSends.id),
      sent: withStatus(acceptedStatuses),
      delivered: withStatus(['delivered']),
      bounced: withStatus(['bounced']),
      complained: withStatus(['complained']),
      skipped: withStatus(['skipped']),
      failed: withStatus(['failed']),
      unsubscribed: sql<number>`count(${emailSends.id}) filter (where ${isNotNull(emailSends.unsubscribedAt)})`.mapWith(Number),
    })
    .from(campaigns)
    .leftJoin(emailSends, eq(emailSends.campaignId, campaigns.id))
    .where(inArray(campaigns.id, newest))
    // Grouping by the primary key lets every other column of the campaign be selected.
    .groupBy(campaigns.id)
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id));
  const conversions = await conversionsByCampaign(
    db,
    rows.map((row) => row.id),
  );
  return rows.map(({ recipientCount, written, ...row }) => ({
    ...row,
    // recipient_count is set when recipients are written; the rows are the fact meanwhile.
    recipients: Math.max(recipientCount, written),
    conversions: conversions.get(row.id) ?? 0,
  }));
}

/** Distinct members whose subscription came from each campaign's links and ever reached a paid state. */
async function conversionsByCampaign(db: Database, campaignIds: readonly string[]): Promise<Map<string, number>> {
  if (campaignIds.length === 0) return new Map();
  const campaign = campaignOfSource(subscriptions.source);
  const rows = await db
    .select({ campaignId: campaign, members: countDistinct(subscriptions.memberId) })
    .from(subscriptions)
    // The prefix test lets most rows (no digest in their source) be passed over cheaply.
    .where(and(sql`${subscriptions.source} like 'digest:%'`, inArray(subscriptions.status, [...convertedStatuses]), inArray(campaign, [...campaignIds])))
    .groupBy(campaign);
  return new Map(rows.flatMap((row) => (row.campaignId ? [[row.campaignId, row.members] as const] : [])));
}
