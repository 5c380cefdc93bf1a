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
import { boolean, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
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

export const loginPurposes = ['sign_in', 'change_email'] as const;
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
