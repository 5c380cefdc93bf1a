/**
 * What the unsubscribe links do to the database: the one-click POST and the preference
 * page. A bounced or complained address stays so: those states come from the mail
 * provider and stop every campaign email, and a link in an old email must not undo them.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { emailSends, members, type NewsletterStatus } from '../../../db/schema.ts';
import type { UnsubscribeRecipient } from './unsubscribe-token.ts';

export interface EmailPreferences {
  email: string;
  newsletter: NewsletterStatus;
  notificationEmails: boolean;
}

export interface WantedPreferences {
  /** The newsletter digest. */
  digest: boolean;
  /** Emails about replies, mentions and followed threads. */
  notificationEmails: boolean;
}

/** The member's email settings, or undefined when the member no longer exists. */
export async function readPreferences(db: Database, memberId: string): Promise<EmailPreferences | undefined> {
  const [row] = await db
    .select({ email: members.email, newsletter: members.newsletter, notificationEmails: members.notificationEmails })
    .from(members)
    .where(eq(members.id, memberId));
  return row;
}

/**
 * The one-click unsubscribe (RFC 8058): the newsletter off, and the campaign credited
 * with the unsubscribe. Idempotent: mail clients may POST it more than once, and the
 * two writes share a transaction, so a crash leaves both done or neither.
 */
export async function unsubscribeFromNewsletter(db: Database, recipient: UnsubscribeRecipient, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    if ((await turnNewsletterOff(tx, recipient.memberId)) === 'unsubscribed') await creditCampaign(tx, recipient, now);
  });
}

/**
 * The preference page's Save (and "Unsubscribe from everything", which wants both off).
 * Turning the digest on resubscribes only an 'unsubscribed' member; turning it off
 * credits the campaign whose link brought the member here. Returns the settings as
 * saved, or undefined when the member no longer exists.
 */
export async function updatePreferences(
  db: Database,
  memberId: string,
  wanted: WantedPreferences,
  campaignId: string,
  now: Date,
): Promise<EmailPreferences | undefined> {
  return db.transaction(async (tx) => {
    await tx.update(members).set({ notificationEmails: wanted.notificationEmails }).where(eq(members.id, memberId));
    if (wanted.digest) {
      await tx.update(members).set({ newsletter: 'subscribed' }).where(and(eq(members.id, memberId), eq(members.newsletter, 'unsubscribed')));
    } else {
      if ((await turnNewsletterOff(tx, memberId)) === 'unsubscribed') await creditCampaign(tx, { memberId, campaignId }, now);
    }
    return readPreferences(tx, memberId);
  });
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * 'subscribed' → 'unsubscribed'; bounced and complained stay as they are. Returns the
 * status now, or undefined when the member is gone.
 */
async function turnNewsletterOff(tx: Transaction, memberId: string): Promise<NewsletterStatus | undefined> {
  await tx.update(members).set({ newsletter: 'unsubscribed' }).where(and(eq(members.id, memberId), eq(members.newsletter, 'subscribed')));
  const [row] = await tx.select({ newsletter: members.newsletter }).from(members).where(eq(members.id, memberId));
  return row?.newsletter;
}

/**
 * Marks the campaign's email to this member as the one they unsubscribed from. The
 * first time counts: a second click changes nothing. Nothing when the link was not from
 * a campaign, or from a campaign that never emailed them (a test send).
 */
async function creditCampaign(tx: Transaction, { memberId, campaignId }: UnsubscribeRecipient, now: Date): Promise<void> {
  if (campaignId === '') return;
  await tx
    .update(emailSends)
    .set({ unsubscribedAt: now, updatedAt: now })
    .where(and(eq(emailSends.campaignId, campaignId), eq(emailSends.memberId, memberId), isNull(emailSends.unsubscribedAt)));
}
