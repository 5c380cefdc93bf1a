/**
 * Notification emails, batched: a member hears by email once their oldest unemailed
 * notification is a batch window old, in one email that lists everything pending, so a
 * busy thread sends one email per window rather than one per reply. Access is checked
 * again for every item, because tiers end and moderators hide things after the fact.
 *
 * At most once: the notifications are claimed (emailedAt set) before the send, and the
 * claim is released if the send fails in a way that may work later — like
 * `sendNoticeOnce`. A crash between claim and send loses that email, never doubles it.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, notifications, replies, threads, type Notification, type Reply, type Thread } from '../../../db/schema.ts';
import type { Reader } from '../access/can-read.ts';
import { getAppSecret } from '../config/app-secret.ts';
import { mdxToPlainText } from '../content/teaser-text.ts';
import { MailSendError, type Mailer } from '../mail/email.ts';
import { fromAddress } from '../mail/from-address.ts';
import { notificationDigestEmail, type DigestItem } from '../mail/templates/notification-digest.ts';
import { entitledTiers } from '../members/entitled-tiers.ts';
import { canReadPlace, type Place } from './place-access.ts';
import { signStopToken, verifyStopToken } from './stop-token.ts';

export interface NotificationEmailContext {
  db: Database;
  mailer: Mailer;
  site: { name: string; sender: { name: string; address: string } };
  /** The site's own address: links are built on it. */
  siteUrl: URL;
  now: Date;
  /** Where a thread lives now; undefined when its space or post is gone. */
  places: (thread: Thread) => Place | undefined | Promise<Place | undefined>;
  /** The tier ids of tiers.yaml: a grant of a tier no longer there opens nothing. */
  declaredTiers: ReadonlySet<string>;
  /** Signs the stop link; the server's `getAppSecret()` when not given. */
  secret?: string;
}

export interface NotificationEmailOptions {
  /** How old the oldest pending notification must be before its member is emailed. */
  batchWindowMs?: number;
  /** Items listed in one email; more are counted, not listed. */
  maxPerEmail?: number;
}

export interface NotificationEmailRun {
  emailsSent: number;
  /** Notifications listed or counted in a sent email. */
  notificationsEmailed: number;
  /** Notifications marked without an email: access lost, content gone, emails off. */
  notificationsSkipped: number;
  /** Sends that failed; retryable ones are released for the next run. */
  failures: { memberId: string; retryable: boolean; error: unknown }[];
}

export const defaultBatchWindowMs = 15 * 60 * 1000;
export const defaultMaxPerEmail = 20;
const excerptLength = 200;

export async function sendNotificationEmails(context: NotificationEmailContext, options: NotificationEmailOptions = {}): Promise<NotificationEmailRun> {
  const { db, now } = context;
  const batchWindowMs = options.batchWindowMs ?? defaultBatchWindowMs;
  const maxPerEmail = Math.max(1, options.maxPerEmail ?? defaultMaxPerEmail);
  const cutoff = new Date(now.getTime() - batchWindowMs).toISOString();
  const due = await db
    .select({ memberId: notifications.memberId })
    .from(notifications)
    .where(isNull(notifications.emailedAt))
    .groupBy(notifications.memberId)
    .having(sql`min(${notifications.createdAt}) <= ${cutoff}::timestamptz`);

  const run: NotificationEmailRun = { emailsSent: 0, notificationsEmailed: 0, notificationsSkipped: 0, failures: [] };
  const secret = context.secret ?? getAppSecret();
  for (const { memberId } of due) await emailMember(context, { ...options, maxPerEmail, secret }, memberId, run);
  return run;
}

async function emailMember(
  context: NotificationEmailContext,
  options: { maxPerEmail: number; secret: string },
  memberId: string,
  run: NotificationEmailRun,
): Promise<void> {
  const { db, now } = context;
  const [member] = await db.select().from(members).where(eq(members.id, memberId));
  if (!member) return;
  // The claim: one statement, so a second run at the same moment gets none of these rows.
  const claimed = await db
    .update(notifications)
    .set({ emailedAt: now })
    .where(and(eq(notifications.memberId, memberId), isNull(notifications.emailedAt)))
    .returning();
  if (claimed.length === 0) return;
  if (!member.notificationEmails || member.newsletter === 'bounced' || member.newsletter === 'complained') {
    run.notificationsSkipped += claimed.length;
    return;
  }

  const reader = { role: member.role, tiers: await entitledTiers(db, member.id, now, context.declaredTiers) };
  const visible = await stillVisible(context, reader, claimed);
  run.notificationsSkipped += claimed.length - visible.length;
  if (visible.length === 0) return;

  const actors = await actorNames(db, visible.map(({ notification }) => notification.actorId));
  const shown = visible.slice(0, options.maxPerEmail);
  const items: DigestItem[] = shown.map(({ notification, thread, reply }) => ({
    kind: notification.kind,
    actorName: (notification.actorId && actors.get(notification.actorId)) || 'Someone',
    threadTitle: thread.title,
    excerpt: reply ? replyExcerpt(reply.bodyMarkdown) : '',
    url: new URL(reply ? `/t/${thread.id}/r/${reply.id}` : `/t/${thread.id}`, context.siteUrl).href,
  }));
  const stopUrl = new URL(`/notifications/stop?token=${signStopToken(member.id, options.secret)}`, context.siteUrl).href;
  const message = notificationDigestEmail({
    siteName: context.site.name,
    items,
    moreCount: visible.length - shown.length,
    allUrl: new URL('/notifications', context.siteUrl).href,
    stopUrl,
    accountUrl: new URL('/account', context.siteUrl).href,
  });
  const ids = visible.map(({ notification }) => notification.id);
  try {
    await context.mailer.send({
      from: fromAddress(context.site.sender),
      to: member.email,
      ...message,
      headers: { 'List-Unsubscribe': `<${stopUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      // The same batch retried after a lost answer is one email at the provider.
      idempotencyKey: `notification-digest:${createHash('sha256').update(ids.join(',')).digest('hex')}`,
      tag: 'notification-digest',
    });
  } catch (error) {
    // A refusal that will never work (a rejected address) keeps the claim: retrying every minute would not help.
    const retryable = !(error instanceof MailSendError) || error.retryable;
    if (retryable) await db.update(notifications).set({ emailedAt: null }).where(inArray(notifications.id, ids));
    run.failures.push({ memberId, retryable, error });
    return;
  }
  run.emailsSent += 1;
  run.notificationsEmailed += ids.length;
}

type Visible = { notification: Notification; thread: Thread; reply: Reply | undefined };

/** The notifications the member may still read about, oldest first. */
async function stillVisible(context: NotificationEmailContext, reader: NonNullable<Reader>, claimed: Notification[]): Promise<Visible[]> {
  const { db } = context;
  const threadIds = [...new Set(claimed.map((row) => row.threadId))];
  const replyIds = [...new Set(claimed.flatMap((row) => (row.replyId ? [row.replyId] : [])))];
  const [threadRows, replyRows] = await Promise.all([
    db.select().from(threads).where(inArray(threads.id, threadIds)),
    replyIds.length > 0 ? db.select().from(replies).where(inArray(replies.id, replyIds)) : Promise.resolve([]),
  ]);
  const threadsById = new Map(threadRows.map((row) => [row.id, row]));
  const repliesById = new Map(replyRows.map((row) => [row.id, row]));
  const readable = new Map<string, boolean>();
  for (const thread of threadRows) {
    // Hidden content is not sent out, not even to staff: they see it on the site.
    const place = thread.hiddenAt ? undefined : await context.places(thread);
    readable.set(thread.id, place !== undefined && canReadPlace(reader, place));
  }
  const visible: Visible[] = [];
  for (const notification of [...claimed].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const thread = threadsById.get(notification.threadId);
    const reply = notification.replyId ? repliesById.get(notification.replyId) : undefined;
    if (!thread || !readable.get(thread.id)) continue;
    if (notification.replyId && (!reply || reply.deletedAt || reply.hiddenAt)) continue;
    visible.push({ notification, thread, reply });
  }
  return visible;
}

/** Display name, else @handle: an email never shows another member's address. */
async function actorNames(db: Database, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: members.id, name: members.name, handle: members.handle }).from(members).where(inArray(members.id, wanted));
  return new Map(rows.flatMap((row) => {
    const name = row.name?.trim() || (row.handle ? `@${row.handle}` : '');
    return name ? [[row.id, name] as const] : [];
  }));
}

/** The first words of a reply as one line of plain text. */
export function replyExcerpt(markdown: string, length: number = excerptLength): string {
  const text = mdxToPlainText(markdown).replace(/\s+/g, ' ').trim();
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > length * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

export type StopResult = { ok: true } | { ok: false; reason: 'invalid_token' };

/** The stop link's effect: notification emails off for the member the token names. */
export async function stopNotificationEmails(db: Database, token: string, secret: string = getAppSecret()): Promise<StopResult> {
  const check = verifyStopToken(token, secret);
  if (!check.ok) return { ok: false, reason: 'invalid_token' };
  // A member who has since deleted their account matches nothing; the answer is the same.
  await db.update(members).set({ notificationEmails: false }).where(eq(members.id, check.memberId));
  return { ok: true };
}

