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
import { check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
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
  },
  // Signing a member out everywhere deletes by member.
  (table) => [index('sessions_member_id_idx').on(table.memberId)],
);

/**
 * One-time magic sign-in links. Keyed by email rather than member, because the first
 * link is sent before any member row exists.
 */
export const loginTokens = pgTable(
  'login_tokens',
  {
    /** Hex SHA-256 of the token in the emailed link; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    /** Lower-cased address the link was sent to. */
    email: text('email').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when the link is used; a used link never signs in again. */
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  // Rate limits and clean-up look tokens up by address.
  (table) => [index('login_tokens_email_idx').on(table.email)],
);

export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
export type LoginToken = typeof loginTokens.$inferSelect;
export type NewLoginToken = typeof loginTokens.$inferInsert;
