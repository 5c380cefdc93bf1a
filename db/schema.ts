/**
 * The database schema: people and sign-in. Content and configuration live in git,
 * not here (see DESIGN.md, rule 3).
 *
 * Tables are plural camelCase in TypeScript and snake_case in SQL. Every timestamp is
 * `timestamptz`, so instants are unambiguous whatever the server's time zone.
 * After changing this file run `npx drizzle-kit generate --name <what-changed>` and
 * commit the new migration in db/migrations/.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { newId } from './ids.ts';

export const memberRoles = ['owner', 'moderator', 'member'] as const;
export type MemberRole = (typeof memberRoles)[number];

export const newsletterStatuses = ['subscribed', 'unsubscribed', 'bounced', 'complained'] as const;
export type NewsletterStatus = (typeof newsletterStatuses)[number];

/** `'a', 'b'` for a CHECK … IN (…); the values are our own constants, never input. */
function sqlList(values: readonly string[]) {
  return sql.raw(values.map((value) => `'${value}'`).join(', '));
}

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Everyone the site knows by email: free subscribers, paying members, moderators, the owner. */
export const members = pgTable(
  'members',
  {
    /** Opaque random id (db/ids.ts); never a counter, so it leaks no member count. */
    id: text('id').primaryKey().$defaultFn(newId),
    /** Lower-cased before storing (enforced by a CHECK), so uniqueness ignores case. */
    email: text('email').notNull().unique(),
    /** Public @handle for profiles and mentions; null until the member picks one. */
    handle: text('handle').unique(),
    /** Display name; null when the member has not given one. */
    name: text('name'),
    role: text('role', { enum: memberRoles }).notNull().default('member'),
    /** When the member first proved they own the address (a magic link was used). */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    /** Newsletter state; 'bounced' and 'complained' come from the mail provider's webhook and stop sends. */
    newsletter: text('newsletter', { enum: newsletterStatuses }).notNull().default('unsubscribed'),
    /** When the member accepted the community guidelines; needed before a first post. */
    guidelinesAcceptedAt: timestamp('guidelines_accepted_at', { withTimezone: true }),
    /** Emails about replies, mentions and followed threads (the in-app list is always kept). */
    notificationEmails: boolean('notification_emails').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [
    check('members_role_check', sql`${table.role} in (${sqlList(memberRoles)})`),
    check('members_newsletter_check', sql`${table.newsletter} in (${sqlList(newsletterStatuses)})`),
    // A mixed-case copy would slip past the unique index and create a second account.
    check('members_email_lower_case_check', sql`${table.email} = lower(${table.email})`),
  ],
);

/**
 * Signed-in browsers, in the Lucia session model: the cookie carries `<id>.<secret>`,
 * and only a hash of the secret is stored, so a leaked table cannot be replayed.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** Hex SHA-256 of the session secret; compared in constant time. */
    secretHash: text('secret_hash').notNull(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** Start of the absolute lifetime. */
    createdAt: createdAt(),
    /** Last time the session was checked and extended; drives inactivity expiry. */
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }).notNull().defaultNow(),
    /** The browser's User-Agent at sign-in, so the account page can tell devices apart. */
    userAgent: text('user_agent').notNull().default(''),
  },
  // Signing a member out everywhere deletes by member.
  (table) => [index('sessions_member_id_idx').on(table.memberId)],
);

/** 'newsletter' confirms a newsletter subscription (double opt-in); it never signs anyone in. */
export const loginPurposes = ['sign_in', 'change_email', 'newsletter'] as const;
export type LoginPurpose = (typeof loginPurposes)[number];

/**
 * One-time proofs of an address: the emailed link and the 8-character code in the same
 * email are two ways to present one token. Keyed by email rather than member, because
 * the first link is sent before any member row exists.
 */
export const loginTokens = pgTable(
  'login_tokens',
  {
    /** Hex SHA-256 of the token in the emailed link; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    /** Hex SHA-256 of the emailed code, salted with the token so equal codes hash apart. */
    codeHash: text('code_hash').notNull(),
    /** Lower-cased address the link was sent to, and the only one it can prove. */
    email: text('email').notNull(),
    purpose: text('purpose', { enum: loginPurposes }).notNull().default('sign_in'),
    /** For 'change_email': the member whose address becomes `email`. */
    memberId: text('member_id').references(() => members.id, { onDelete: 'cascade' }),
    /** A same-site path to return to after signing in. */
    nextPath: text('next_path').notNull().default('/'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when the token is used or burned; a used token never signs in again. */
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    // Code checks, rate limits and clean-up look tokens up by address.
    index('login_tokens_email_idx').on(table.email),
    check('login_tokens_purpose_check', sql`${table.purpose} in (${sqlList(loginPurposes)})`),
  ],
);

/**
 * Complimentary access to a tier, granted by the owner. Paid access from Stripe lives in
 * its own table; a member's tiers are the union of both.
 */
export const grants = pgTable(
  'grants',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** A tier id from content/tiers.yaml. */
    tier: text('tier').notNull(),
    /** End of the grant; null means until revoked. */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** Set when revoked; kept, not deleted, so the history stays readable. */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Who granted it, for the record (an email address, or "cli"). */
    grantedBy: text('granted_by').notNull(),
    /** Why, in the owner's words. */
    note: text('note').notNull().default(''),
    createdAt: createdAt(),
  },
  (table) => [index('grants_member_id_idx').on(table.memberId)],
);

/**
 * Fixed-window counters for rate limits (sign-in emails, code attempts, …). One row per
 * key such as `signin-email:wren@example.com`; the window restarts when it has passed.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

/**
 * Sign-up and sign-in attempts the bot defence refused, counted per day (UTC), form and
 * reason, for the owner's newsletter page. Counts only: no address or email is kept.
 */
export const refusedSignUps = pgTable(
  'refused_sign_ups',
  {
    day: text('day').notNull(),
    form: text('form').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull(),
  },
  (table) => [primaryKey({ columns: [table.day, table.form, table.reason] })],
);

/** One Stripe customer per member, created at their first checkout and reused after. */
export const stripeCustomers = pgTable('stripe_customers', {
  memberId: text('member_id')
    .primaryKey()
    .references(() => members.id, { onDelete: 'cascade' }),
  /** Stripe's `cus_…` id. */
  customerId: text('customer_id').notNull().unique(),
  createdAt: createdAt(),
});

/**
 * Paid subscriptions as Stripe last described them. Rows are upserted from the object
 * re-read from Stripe's API, never from a webhook payload, so the order in which
 * events arrive does not matter.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    /** Stripe's `sub_…` id. */
    id: text('id').primaryKey(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    customerId: text('customer_id').notNull(),
    /** The tier id from tiers.yaml, from the price's metadata or lookup key. */
    tier: text('tier').notNull(),
    priceId: text('price_id').notNull(),
    /** Stripe's status: trialing, active, past_due, canceled, unpaid, incomplete, incomplete_expired, paused. */
    status: text('status').notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }).notNull(),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** When the subscription went past due (a renewal failed); the grace period counts from here. */
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    /** When Stripe last changed it (its `created` or the newest event we saw), for humans. */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Where the checkout began: a post slug, 'digest:<campaign>', a referral… */
    source: text('source').notNull().default(''),
  },
  (table) => [index('subscriptions_member_id_idx').on(table.memberId)],
);

/** Stripe events by id, recorded before they are acted on, so a repeat is a no-op. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  /** Null until the handler finished; a crash leaves it null and Stripe's retry runs it again. */
  processedAt: timestamp('processed_at', { withTimezone: true }),
});

/**
 * Emails that must go out at most once (welcome to a tier, payment failed for one
 * invoice…), keyed by what they are about. Inserted before sending.
 */
export const sentNotices = pgTable('sent_notices', {
  key: text('key').primaryKey(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
});

export const reportStates = ['open', 'resolved', 'dismissed'] as const;
export const restrictionKinds = ['mute', 'ban'] as const;
export const notificationKinds = ['reply', 'mention', 'followed'] as const;

/**
 * A conversation: in a space from `content/spaces.yaml`, or under a post (one per post,
 * created when its first message is written).
 */
export const threads = pgTable(
  'threads',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    spaceId: text('space_id'),
    postSlug: text('post_slug'),
    /** Null once the author deleted their account; the thread stays. */
    authorId: text('author_id').references(() => members.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    /** The opening message of a thread in a space; null for a post's discussion (the post opens it). */
    bodyMarkdown: text('body_markdown'),
    bodyHtml: text('body_html'),
    createdAt: createdAt(),
    /** The newest reply's time (or the thread's own): spaces list threads by it. */
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    /** Replies that are not deleted or hidden, kept with each write for listings. */
    replyCount: integer('reply_count').notNull().default(0),
    locked: boolean('locked').notNull().default(false),
    pinned: boolean('pinned').notNull().default(false),
    /** Hidden by a moderator: only staff see it. */
    hiddenAt: timestamp('hidden_at', { withTimezone: true }),
  },
  (table) => [
    check('threads_place_check', sql`(${table.spaceId} is null) <> (${table.postSlug} is null)`),
    index('threads_space_listing_idx').on(table.spaceId, table.pinned, table.lastActivityAt),
    uniqueIndex('threads_post_slug_idx').on(table.postSlug),
    // The posting limits count a member's recent threads with every post they write.
    index('threads_author_created_idx').on(table.authorId, table.createdAt),
  ],
);

/**
 * Messages in a thread. `path` is the ids from the top-level reply down to this one,
 * joined by '/', so a branch is one prefix query and depth needs no recursion.
 * Deleting keeps the row (a placeholder keeps the thread's shape).
 */
export const replies = pgTable(
  'replies',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    parentId: text('parent_id'),
    /** The top-level reply this one hangs under (its own id at the top): a page of a thread is a few roots. */
    rootId: text('root_id').notNull(),
    path: text('path').notNull(),
    /** 0 for a reply to the thread itself. */
    depth: integer('depth').notNull(),
    authorId: text('author_id').references(() => members.id, { onDelete: 'set null' }),
    /** What the member wrote, kept for editing. */
    bodyMarkdown: text('body_markdown').notNull(),
    /** Rendered and sanitized at write time. */
    bodyHtml: text('body_html').notNull(),
    /** SHA-256 of the normalized body, for the duplicate-post guard. */
    bodyHash: text('body_hash').notNull(),
    createdAt: createdAt(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    hiddenAt: timestamp('hidden_at', { withTimezone: true }),
    reactionCount: integer('reaction_count').notNull().default(0),
  },
  (table) => [
    index('replies_thread_path_idx').on(table.threadId, table.path),
    index('replies_root_depth_idx').on(table.rootId, table.depth),
    index('replies_thread_top_level_idx').on(table.threadId, table.depth, table.createdAt),
    index('replies_author_created_idx').on(table.authorId, table.createdAt),
  ],
);

/** Earlier versions of edited replies, for moderators. */
export const replyRevisions = pgTable('reply_revisions', {
  id: text('id').primaryKey().$defaultFn(newId),
  replyId: text('reply_id')
    .notNull()
    .references(() => replies.id, { onDelete: 'cascade' }),
  bodyMarkdown: text('body_markdown').notNull(),
  /** When this version was replaced. */
  replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One reaction of one kind per member per reply. */
export const reactions = pgTable(
  'reactions',
  {
    replyId: text('reply_id')
      .notNull()
      .references(() => replies.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.replyId, table.memberId, table.kind] })],
);

/** Members following a thread: they hear about its new replies. */
export const threadFollows = pgTable(
  'thread_follows',
  {
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.threadId, table.memberId] })],
);

/** In-app notifications; the email digest of them is sent in batches. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: notificationKinds }).notNull(),
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    replyId: text('reply_id').references(() => replies.id, { onDelete: 'cascade' }),
    actorId: text('actor_id').references(() => members.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** Set when an email batch included it (or decided not to send it). */
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
  },
  (table) => [
    index('notifications_member_created_idx').on(table.memberId, table.createdAt),
    // One notification per member per reply: a mention in a reply to you is one event.
    uniqueIndex('notifications_member_reply_idx').on(table.memberId, table.replyId),
  ],
);

/** Mutes and bans: a period (until) or for good (null). Lifting keeps the record. */
export const memberRestrictions = pgTable(
  'member_restrictions',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: restrictionKinds }).notNull(),
    until: timestamp('until', { withTimezone: true }),
    reason: text('reason').notNull().default(''),
    createdBy: text('created_by').references(() => members.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
  },
  (table) => [index('member_restrictions_member_idx').on(table.memberId)],
);

/** Every moderation action, for the audit log. */
export const moderationLog = pgTable('moderation_log', {
  id: text('id').primaryKey().$defaultFn(newId),
  actorId: text('actor_id').references(() => members.id, { onDelete: 'set null' }),
  /** e.g. pin, unpin, lock, unlock, move, hide-thread, hide-reply, mute, ban, lift, resolve-report. */
  action: text('action').notNull(),
  targetKind: text('target_kind').notNull(),
  targetId: text('target_id').notNull(),
  detail: text('detail').notNull().default(''),
  createdAt: createdAt(),
});

/** A member's report of a reply, waiting in the moderation queue. */
export const reports = pgTable(
  'reports',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    replyId: text('reply_id')
      .notNull()
      .references(() => replies.id, { onDelete: 'cascade' }),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    state: text('state', { enum: reportStates }).notNull().default('open'),
    createdAt: createdAt(),
    resolvedBy: text('resolved_by').references(() => members.id, { onDelete: 'set null' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('reports_reply_reporter_idx').on(table.replyId, table.reporterId), index('reports_state_idx').on(table.state, table.createdAt)],
);

export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
export type LoginToken = typeof loginTokens.$inferSelect;
export type NewLoginToken = typeof loginTokens.$inferInsert;
export type Grant = typeof grants.$inferSelect;
export type NewGrant = typeof grants.$inferInsert;
export type StripeSubscriptionRow = typeof subscriptions.$inferSelect;
export type NewStripeSubscriptionRow = typeof subscriptions.$inferInsert;
export type Thread = typeof threads.$inferSelect;
export type Reply = typeof replies.$inferSelect;
export type Notification = typeof notifications.$inferSelect;

export const campaignKinds = ['digest', 'test'] as const;
export type CampaignKind = (typeof campaignKinds)[number];
export const campaignStatuses = ['scheduled', 'sending', 'sent', 'canceled'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/**
 * One newsletter mailing: a digest to every subscriber, or a test to the owner. The
 * digest's content is frozen in `plan` when the campaign is created, so every batch (and
 * every retry of a batch after a crash) renders exactly the same email.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    kind: text('kind', { enum: campaignKinds }).notNull(),
    status: text('status', { enum: campaignStatuses }).notNull(),
    subject: text('subject').notNull(),
    /**
     * For scheduled digests, the schedule slot it fills (an ISO instant); unique, so two
     * server processes ticking at once cannot both create the same week's digest.
     */
    slot: text('slot').unique(),
    /** The digest as composed (DigestPlan in src/server/newsletter/digest/plan.ts). */
    plan: jsonb('plan').notNull(),
    /** When it should start sending; null sends as soon as it is created. */
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    /** Who asked for it: 'schedule', 'cli', or the owner's email. */
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    /** When recipients were written and sending began. */
    startedAt: timestamp('started_at', { withTimezone: true }),
    /** When the last recipient was settled (sent, skipped or failed for good). */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    recipientCount: integer('recipient_count').notNull().default(0),
  },
  (table) => [
    check('campaigns_kind_check', sql`${table.kind} in (${sqlList(campaignKinds)})`),
    check('campaigns_status_check', sql`${table.status} in (${sqlList(campaignStatuses)})`),
    index('campaigns_status_idx').on(table.status, table.scheduledFor),
  ],
);

export const emailSendStatuses = ['queued', 'sent', 'delivered', 'delayed', 'bounced', 'complained', 'skipped', 'failed'] as const;
export type EmailSendStatus = (typeof emailSendStatuses)[number];

/**
 * One campaign email to one member: written for every recipient in the transaction that
 * starts the campaign, then claimed into batches by the sender. The provider's id and
 * its later reports (delivered, bounced, …) land here.
 */
export const emailSends = pgTable(
  'email_sends',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** The address at the time the campaign started. */
    email: text('email').notNull(),
    /** Order within the campaign; batches take the lowest queued positions first. */
    position: integer('position').notNull(),
    status: text('status', { enum: emailSendStatuses }).notNull().default('queued'),
    /** The batch that carries (or carried) this email; set when claimed. */
    batchId: text('batch_id'),
    /** What the reader may see, fixed when the batch is claimed (see reader-view.ts). */
    segment: text('segment'),
    /**
     * Per recipient and campaign: the provider key for single sends and the outbox. Made
     * from the campaign and member, so the (campaign, member) index already keeps it unique.
     */
    idempotencyKey: text('idempotency_key').notNull(),
    /** The provider's email id, for matching its webhooks. */
    providerId: text('provider_id'),
    /** Why it was skipped or failed, in words. */
    detail: text('detail'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** When the reader unsubscribed through this email's link, for the campaign's figures. */
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('email_sends_campaign_member_idx').on(table.campaignId, table.memberId),
    // The sender's queue: recipients not yet in a batch, in order. Partial, so it stays as
    // small as the work left rather than growing with every email ever sent.
    index('email_sends_unbatched_idx').on(table.campaignId, table.position).where(sql`${table.status} = 'queued' and ${table.batchId} is null`),
    index('email_sends_status_idx').on(table.campaignId, table.status),
    // Partial: rows are written without either, so queueing a campaign skips these indexes.
    index('email_sends_batch_idx').on(table.batchId).where(sql`${table.batchId} is not null`),
    index('email_sends_provider_id_idx').on(table.providerId).where(sql`${table.providerId} is not null`),
    check('email_sends_status_check', sql`${table.status} in (${sqlList(emailSendStatuses)})`),
  ],
);

export const sendBatchStatuses = ['open', 'sent', 'failed'] as const;

/**
 * Up to 100 emails sent in one provider call. The batch, not the process, holds the
 * lease: a sender that dies leaves it open, and once the lease runs out another sender
 * sends the same batch again with the same idempotency key, so the provider replays its
 * first answer instead of emailing anyone twice.
 */
export const sendBatches = pgTable(
  'send_batches',
  {
    id: text('id').primaryKey().$defaultFn(newId),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status', { enum: sendBatchStatuses }).notNull().default('open'),
    /** Which sender holds it, and until when; after that anyone may take it over. */
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    /** Not before this time: backoff after a failure, or the provider's Retry-After. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    index('send_batches_open_idx').on(table.campaignId, table.status),
    check('send_batches_status_check', sql`${table.status} in (${sqlList(sendBatchStatuses)})`),
  ],
);

export const suppressionReasons = ['bounced', 'complained', 'unsubscribed', 'imported'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/**
 * Addresses no campaign email may go to, whoever they belong to now: kept by address,
 * not member, so deleting an account or importing a list cannot resubscribe them.
 */
export const suppressions = pgTable(
  'suppressions',
  {
    /** Lower-cased. */
    email: text('email').primaryKey(),
    reason: text('reason', { enum: suppressionReasons }).notNull(),
    /** Where it came from: a provider event id, an import file, … */
    detail: text('detail').notNull().default(''),
    createdAt: createdAt(),
  },
  (table) => [
    check('suppressions_reason_check', sql`${table.reason} in (${sqlList(suppressionReasons)})`),
    check('suppressions_email_lower_case_check', sql`${table.email} = lower(${table.email})`),
  ],
);

/** Resend webhook deliveries by their Svix message id, recorded before they take effect. */
export const resendEvents = pgTable('resend_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp('processed_at', { withTimezone: true }),
});
