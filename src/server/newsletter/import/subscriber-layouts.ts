/**
 * The subscriber exports we read, told apart by their header row, and what each row
 * means. Only a clear yes counts as subscribed: an empty or unexpected value in a
 * consent column is read as no, because emailing someone who said no is worse than
 * missing someone who said yes (they can subscribe again here).
 */

export const subscriberLayouts = ['substack', 'ghost', 'mailchimp'] as const;
export type SubscriberLayout = (typeof subscriberLayouts)[number];

/** One row's meaning, before the address is checked. */
export interface LayoutRow {
  email: string;
  name?: string;
  subscribed: boolean;
  /** Why the row is not subscribed, in words for the report. */
  reason?: string;
}

/** Reads one row by column name (names compared trimmed and case-insensitively). */
export type Cells = (column: string) => string;

interface Layout {
  /** True when a header row (lower-cased, trimmed names) is this platform's export. */
  matches(columns: ReadonlySet<string>): boolean;
  read(cells: Cells): LayoutRow;
}

const yes = new Set(['true', 'yes', '1']);
const no = new Set(['false', 'no', '0', '']);

const layouts: Record<SubscriberLayout, Layout> = {
  // Substack's "Export subscribers": email, active_subscription, expiry, plan, email_disabled,
  // created_at, first_payment_at. active_subscription is about paying; email_disabled is the opt-out.
  substack: {
    matches: (columns) => columns.has('email') && (columns.has('email_disabled') || columns.has('active_subscription')),
    read(cells) {
      const email = cells('email');
      // Substack replaces the address of an account deleted on request with a placeholder there.
      if (/@deletion-request\.substack\.com$/i.test(email.trim())) return { email, subscribed: false, reason: 'account deleted on Substack' };
      const disabled = cells('email_disabled').trim().toLowerCase();
      if (no.has(disabled)) return { email, subscribed: true };
      return { email, subscribed: false, reason: 'email disabled on Substack' };
    },
  },
  // Ghost's member export: id, email, name, note, subscribed_to_emails, complimentary_plan,
  // stripe_customer_id, created_at, deleted_at, labels, tiers.
  ghost: {
    matches: (columns) => columns.has('email') && columns.has('subscribed_to_emails'),
    read(cells) {
      const email = cells('email');
      const name = optional(cells('name'));
      if (cells('deleted_at').trim() !== '') return { email, name, subscribed: false, reason: 'deleted on Ghost' };
      if (yes.has(cells('subscribed_to_emails').trim().toLowerCase())) return { email, name, subscribed: true };
      return { email, name, subscribed: false, reason: 'not subscribed to emails on Ghost' };
    },
  },
  // Mailchimp's audience export: one file each for subscribed, unsubscribed (UNSUB_TIME …)
  // and cleaned (CLEAN_TIME …) contacts, all starting Email Address, First Name, Last Name.
  mailchimp: {
    matches: (columns) => columns.has('email address'),
    read(cells) {
      const email = cells('email address');
      const name = optional(`${cells('first name').trim()} ${cells('last name').trim()}`);
      if (cells('unsub_time').trim() !== '') return { email, name, subscribed: false, reason: 'unsubscribed on Mailchimp' };
      if (cells('clean_time').trim() !== '') return { email, name, subscribed: false, reason: 'cleaned (bounced) on Mailchimp' };
      return { email, name, subscribed: true };
    },
  },
};

/** Which export a header row belongs to; Mailchimp first, as its columns are the most distinctive. */
export function detectLayout(header: readonly string[]): SubscriberLayout | undefined {
  const columns = new Set(header.map(columnKey));
  return (['mailchimp', 'ghost', 'substack'] as const).find((layout) => layouts[layout].matches(columns));
}

export function readLayoutRow(layout: SubscriberLayout, cells: Cells): LayoutRow {
  return layouts[layout].read(cells);
}

/** What each export needs, for the error about a file that is none of them. */
export const layoutRequirements =
  'a Substack export needs the columns email and email_disabled; a Ghost export, email and subscribed_to_emails; ' +
  'a Mailchimp export, "Email Address" (its unsubscribed and cleaned exports add UNSUB_TIME or CLEAN_TIME)';

export function columnKey(name: string): string {
  return name.trim().toLowerCase();
}

function optional(text: string): string | undefined {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed === '' ? undefined : trimmed;
}
