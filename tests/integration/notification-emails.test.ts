/**
 * Notification emails against a real database, on every engine: one email per batch
 * window, never about something the member can no longer read, the stop link, and at
 * most one send however runs crash or overlap.
 */
import { eq, inArray, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database, DatabaseHandle } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import { members, notifications, replies, threads, type Reply, type Thread } from '../../db/schema.ts';
import { hideReply, moderateThread } from '../../src/server/discussions/moderation.ts';
import { sendNotificationEmails, stopNotificationEmails, type NotificationEmailContext } from '../../src/server/discussions/notification-emails.ts';
import { notifyAboutReply } from '../../src/server/discussions/notify.ts';
import type { Place } from '../../src/server/discussions/place-access.ts';
import { signStopToken } from '../../src/server/discussions/stop-token.ts';
import { startNotificationEmailJob } from '../../src/server/jobs/notification-email-job.ts';
import { MailSendError, type Email, type Mailer } from '../../src/server/mail/email.ts';
import { ensureMember } from '../../src/server/members/ensure-member.ts';
import { grantTier, revokeTier } from '../../src/server/members/grants.ts';
import { recordingMailer } from '../support/recording-mailer.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const minute = 60 * 1000;
const start = new Date('2026-04-01T10:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);
const secret = 'notification-emails-test-secret-0123456789';
const siteUrl = new URL('https://hedgerow.example');

const general: Place = { kind: 'space', id: 'general', name: 'General', read: 'members', post: 'members' };
const insiders: Place = { kind: 'space', id: 'insiders', name: 'Insiders', read: ['insider'], post: ['insider'] };
const spaces = new Map<string, Place>([
  ['general', general],
  ['insiders', insiders],
]);
const placeOf = (thread: Thread) => (thread.spaceId ? spaces.get(thread.spaceId) : undefined);

/** The permalinks an email lists, from its text part. */
const permalinks = (email: Email) => [...email.text.matchAll(/https:\/\/hedgerow\.example\/t\/([a-z0-9]+)\/r\/([a-z0-9]+)/g)].map((match) => match[2]);

describe.each(engines)('notification emails on $name', (engine) => {
  let handle: DatabaseHandle;
  let db: Database;
  let author: string;

  beforeAll(async () => {
    handle = await engine.open();
    db = handle.db;
    author = await member('robin@example.com', { name: 'Robin', handle: 'robin' });
  });

  // Each test sees only its own notifications: whatever an earlier one left is settled.
  beforeEach(async () => {
    await db.update(notifications).set({ emailedAt: start }).where(isNull(notifications.emailedAt));
  });

  async function member(email: string, profile: Partial<typeof members.$inferInsert> = {}): Promise<string> {
    const { member: row } = await ensureMember(db, email);
    if (Object.keys(profile).length > 0) await db.update(members).set(profile).where(eq(members.id, row.id));
    return row.id;
  }

  async function thread(space: string, threadAuthor: string, title = 'Hedgehogs in the garden'): Promise<Thread> {
    const [row] = await db.insert(threads).values({ spaceId: space, authorId: threadAuthor, title, bodyMarkdown: 'Who has seen one?', bodyHtml: '<p>Who has seen one?</p>', createdAt: start }).returning();
    if (!row) throw new Error('no thread');
    return row;
  }

  /** A top-level reply, notifying the thread's author the way the real write path does. */
  async function reply(on: Thread, by: string, body: string, when: Date): Promise<Reply> {
    const id = newId();
    const [row] = await db
      .insert(replies)
      .values({ id, threadId: on.id, rootId: id, path: id, depth: 0, authorId: by, bodyMarkdown: body, bodyHtml: '<p>rendered</p>', bodyHash: id, createdAt: when })
      .returning();
    if (!row) throw new Error('no reply');
    const place = placeOf(on);
    if (!place) throw new Error('no place');
    await notifyAboutReply(db, { place, thread: on, reply: row, parent: undefined, mentions: [] }, when);
    return row;
  }

  function context(now: Date, mailer: Mailer, places: NotificationEmailContext['places'] = placeOf): NotificationEmailContext {
    return { db, mailer, site: { name: 'The Hedgerow', sender: { name: 'Wren at The Hedgerow', address: 'wren@hedgerow.example' } }, siteUrl, now, places, secret, declaredTiers: new Set(['insider']) };
  }

  const to = (mailer: { sent: Email[] }, email: string) => mailer.sent.filter((sent) => sent.to === email);

  async function pending(memberId: string) {
    return db.select().from(notifications).where(eq(notifications.memberId, memberId));
  }

  it('sends one email per batch window, listing every reply in it, and never twice', async () => {
    const reader = await member('batch@example.com');
    const topic = await thread('general', reader);
    const sent = [await reply(topic, author, 'First!', start), await reply(topic, author, 'Second thought.', at(minute)), await reply(topic, author, 'Third.', at(2 * minute))];
    const mailer = recordingMailer();

    await sendNotificationEmails(context(at(14 * minute), mailer));
    expect(to(mailer, 'batch@example.com')).toHaveLength(0);

    const run = await sendNotificationEmails(context(at(15 * minute), mailer));
    const [email] = to(mailer, 'batch@example.com');
    expect(to(mailer, 'batch@example.com')).toHaveLength(1);
    expect(run).toMatchObject({ emailsSent: 1, notificationsEmailed: 3 });
    expect(email?.subject).toBe('3 new replies on The Hedgerow');
    expect(permalinks(email as Email)).toEqual(sent.map((row) => row.id));
    expect(email?.text).toContain('Robin replied to you in “Hedgehogs in the garden”');
    expect(email?.text).toContain('> Second thought.');
    expect((await pending(reader)).every((row) => row.emailedAt?.getTime() === at(15 * minute).getTime())).toBe(true);

    // Later runs find nothing new.
    await sendNotificationEmails(context(at(16 * minute), mailer));
    await sendNotificationEmails(context(at(60 * minute), mailer));
    expect(to(mailer, 'batch@example.com')).toHaveLength(1);

    // A reply after the email starts a new window.
    const later = await reply(topic, author, 'Fourth, much later.', at(61 * minute));
    await sendNotificationEmails(context(at(75 * minute), mailer));
    expect(to(mailer, 'batch@example.com')).toHaveLength(1);
    await sendNotificationEmails(context(at(76 * minute), mailer));
    expect(to(mailer, 'batch@example.com')).toHaveLength(2);
    expect(permalinks(mailer.last())).toEqual([later.id]);
    expect(mailer.last().subject).toBe('Robin replied to you in “Hedgehogs in the garden”');
  });

  it('lists at most maxPerEmail items and counts the rest, all in one email', async () => {
    const reader = await member('many@example.com');
    const topic = await thread('general', reader);
    for (let i = 0; i < 5; i++) await reply(topic, author, `Reply number ${i}`, at(i * 1000));
    const mailer = recordingMailer();
    await sendNotificationEmails(context(at(20 * minute), mailer), { maxPerEmail: 2 });
    expect(to(mailer, 'many@example.com')).toHaveLength(1);
    expect(permalinks(mailer.last())).toHaveLength(2);
    expect(mailer.last().text).toContain('…and 3 more.\nSee them all:\nhttps://hedgerow.example/notifications');
    expect((await pending(reader)).filter((row) => row.emailedAt === null)).toHaveLength(0);
  });

  it('escapes what members wrote and never shows another member’s address', async () => {
    const reader = await member('escape@example.com');
    const hostile = await member('hostile@example.com', { name: '"><img src=x onerror=alert(1)>' });
    const topic = await thread('general', reader, '<script>alert("title")</script>');
    await reply(topic, hostile, 'Look: <script>alert(1)</script> & <b>bold</b> **loud**', start);
    const mailer = recordingMailer();
    await sendNotificationEmails(context(at(15 * minute), mailer));
    const email = mailer.last();
    expect(email.to).toBe('escape@example.com');
    // The subject is plain text (the provider encodes it); the HTML part must carry no member markup.
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;title&quot;)');
    expect(email.html + email.text).not.toContain('hostile@example.com');
    expect(email.text).toContain('Look: alert(1) & bold loud');
  });

  it('carries a one-click stop link that turns notification emails off, and refuses forged ones', async () => {
    const reader = await member('stop@example.com');
    const other = await member('bystander@example.com');
    const topic = await thread('general', reader);
    await reply(topic, author, 'Hello', start);
    const mailer = recordingMailer();
    await sendNotificationEmails(context(at(15 * minute), mailer));
    const email = mailer.last();
    expect(email.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const header = /^<(https:\/\/hedgerow\.example\/notifications\/stop\?token=([^>]+))>$/.exec(email.headers?.['List-Unsubscribe'] ?? '');
    expect(header).not.toBeNull();
    const [, url = '', token = ''] = header ?? [];
    expect(email.text).toContain(url);

    // Forged: another member's id with this signature, a wrong secret, a truncated token.
    const signature = token.split('.')[1];
    for (const forged of [`${other}.${signature}`, signStopToken(other, `${secret}-not`), token.slice(0, -1), '']) {
      expect(await stopNotificationEmails(db, forged, secret)).toEqual({ ok: false, reason: 'invalid_token' });
    }
    const flags = async () => (await db.select({ id: members.id, on: members.notificationEmails }).from(members).where(inArray(members.id, [reader, other]))).map((row) => [row.id, row.on] as const);
    expect(new Map(await flags())).toEqual(new Map([[reader, true], [other, true]]));

    expect(await stopNotificationEmails(db, decodeURIComponent(token), secret)).toEqual({ ok: true });
    expect(new Map(await flags())).toEqual(new Map([[reader, false], [other, true]]));

    // From then on: nothing sent, and the notifications are settled rather than piling up.
    await reply(topic, author, 'Are you there?', at(20 * minute));
    await sendNotificationEmails(context(at(40 * minute), mailer));
    expect(to(mailer, 'stop@example.com')).toHaveLength(1);
    expect((await pending(reader)).filter((row) => row.emailedAt === null)).toHaveLength(0);
  });

  it('sends nothing to members who turned emails off or whose address bounced or complained', async () => {
    const off = await member('off@example.com', { notificationEmails: false });
    const bounced = await member('bounced@example.com', { newsletter: 'bounced' });
    const complained = await member('complained@example.com', { newsletter: 'complained' });
    for (const id of [off, bounced, complained]) await reply(await thread('general', id), author, 'Hi', start);
    const mailer = recordingMailer();
    const run = await sendNotificationEmails(context(at(15 * minute), mailer));
    expect(mailer.sent).toHaveLength(0);
    expect(run.notificationsSkipped).toBe(3);
    for (const id of [off, bounced, complained]) expect((await pending(id)).every((row) => row.emailedAt !== null)).toBe(true);
  });

  it('never emails about what the member can no longer read, and settles those notifications', async () => {
    const reader = await member('insider@example.com');
    expect(await grantTier(db, { email: 'insider@example.com', tier: 'insider', endsAt: null, grantedBy: 'test', note: '' }, start)).toMatchObject({ ok: true });
    const secretTopic = await thread('insiders', reader, 'Insider plans');
    const openTopic = await thread('general', reader, 'Open chat');
    const gated = await reply(secretTopic, author, 'The secret plan', start);
    const open = await reply(openTopic, author, 'Open words', start);
    expect(await pending(reader)).toHaveLength(2);

    // The tier ends after the notification was made.
    await revokeTier(db, { email: 'insider@example.com', tier: 'insider' }, at(5 * minute));
    const mailer = recordingMailer();
    const run = await sendNotificationEmails(context(at(15 * minute), mailer));
    expect(to(mailer, 'insider@example.com')).toHaveLength(1);
    expect(permalinks(mailer.last())).toEqual([open.id]);
    expect(mailer.last().text).not.toContain('secret plan');
    expect(mailer.last().text).not.toContain('Insider plans');
    expect(run.notificationsSkipped).toBe(1);
    const [settled] = await db.select().from(notifications).where(eq(notifications.replyId, gated.id));
    expect(settled?.emailedAt).toEqual(at(15 * minute));

    // Granting the tier again does not bring the old notification back.
    await grantTier(db, { email: 'insider@example.com', tier: 'insider', endsAt: null, grantedBy: 'test', note: '' }, at(16 * minute));
    await sendNotificationEmails(context(at(60 * minute), mailer));
    expect(to(mailer, 'insider@example.com')).toHaveLength(1);
  });

  it('skips hidden and deleted replies, hidden threads and places that are gone', async () => {
    const reader = await member('skips@example.com');
    const moderator = { id: await member('mod@example.com', { role: 'moderator' }), role: 'moderator' as const };
    const topic = await thread('general', reader, 'Busy thread');
    const hidden = await reply(topic, author, 'Rude words', start);
    const deleted = await reply(topic, author, 'Regretted words', start);
    const kept = await reply(topic, author, 'Kind words', start);
    await hideReply(db, moderator, hidden, true, at(minute));
    await db.update(replies).set({ deletedAt: at(minute) }).where(eq(replies.id, deleted.id));
    const hiddenTopic = await thread('general', reader, 'Hidden thread');
    await reply(hiddenTopic, author, 'In a hidden thread', start);
    await moderateThread(db, moderator, hiddenTopic, 'hide', at(minute));
    const goneTopic = await thread('general', reader, 'Space removed');
    await reply(goneTopic, author, 'In a space that is gone', start);

    const mailer = recordingMailer();
    const places = (row: Thread) => (row.id === goneTopic.id ? undefined : placeOf(row));
    const run = await sendNotificationEmails(context(at(15 * minute), mailer, places));
    expect(to(mailer, 'skips@example.com')).toHaveLength(1);
    expect(permalinks(mailer.last())).toEqual([kept.id]);
    expect(run.notificationsSkipped).toBe(4);
    expect((await pending(reader)).filter((row) => row.emailedAt === null)).toHaveLength(0);
  });

  it('sends nothing when nothing is left to tell', async () => {
    const reader = await member('nothing@example.com');
    const topic = await thread('general', reader);
    const only = await reply(topic, author, 'Soon deleted', start);
    await db.update(replies).set({ deletedAt: at(minute) }).where(eq(replies.id, only.id));
    const mailer = recordingMailer();
    await sendNotificationEmails(context(at(15 * minute), mailer));
    expect(mailer.sent).toHaveLength(0);
    expect((await pending(reader))[0]?.emailedAt).not.toBeNull();
  });

  it('releases the claim when the send fails, and the next run sends it once', async () => {
    const reader = await member('flaky@example.com');
    const topic = await thread('general', reader);
    await reply(topic, author, 'One', start);
    await reply(topic, author, 'Two', at(minute));
    const failing: Mailer = {
      kind: 'resend',
      async send() {
        throw new Error('connection reset');
      },
      sendBatch: unusedBatch,
    };
    const failed = await sendNotificationEmails(context(at(15 * minute), failing));
    expect(failed.failures).toMatchObject([{ memberId: reader, retryable: true }]);
    expect((await pending(reader)).map((row) => row.emailedAt)).toEqual([null, null]);

    const mailer = recordingMailer();
    await sendNotificationEmails(context(at(16 * minute), mailer));
    await sendNotificationEmails(context(at(17 * minute), mailer));
    expect(to(mailer, 'flaky@example.com')).toHaveLength(1);
    expect(permalinks(mailer.last())).toHaveLength(2);
  });

  it('keeps the claim when the provider refuses for good, so it is not retried every minute', async () => {
    const reader = await member('refused@example.com');
    await reply(await thread('general', reader), author, 'Hello', start);
    const refusing: Mailer = {
      kind: 'resend',
      async send() {
        throw new MailSendError('Resend did not send the email: validation_error (HTTP 422)', { retryable: false });
      },
      sendBatch: unusedBatch,
    };
    const run = await sendNotificationEmails(context(at(15 * minute), refusing));
    expect(run.failures).toMatchObject([{ memberId: reader, retryable: false }]);
    expect((await pending(reader))[0]?.emailedAt).not.toBeNull();
  });

  it('sends once when two runs overlap', async () => {
    const reader = await member('race@example.com');
    const topic = await thread('general', reader);
    await reply(topic, author, 'Race', start);
    await reply(topic, author, 'Race again', at(1000));
    const mailer = recordingMailer();
    await Promise.all([sendNotificationEmails(context(at(15 * minute), mailer)), sendNotificationEmails(context(at(15 * minute), mailer))]);
    expect(to(mailer, 'race@example.com')).toHaveLength(1);
    expect(permalinks(mailer.last())).toHaveLength(2);
  });

  it('runs from the job, which never overlaps itself and stops', async () => {
    const reader = await member('job@example.com');
    await reply(await thread('general', reader), author, 'From the job', start);
    const mailer = recordingMailer();
    const job = startNotificationEmailJob(() => context(at(15 * minute), mailer), 60_000, { log: { error: () => {} } });
    try {
      const [first, second] = await Promise.all([job.runNow(), job.runNow()]);
      expect(first).toBe(second);
      expect(to(mailer, 'job@example.com')).toHaveLength(1);
    } finally {
      job.stop();
    }
    expect(await job.runNow()).toBeUndefined();
  });
});

// Notification emails go one by one; these fakes never batch.
async function unusedBatch(): Promise<never> {
  throw new Error('Notification emails are not sent in batches.');
}
