/**
 * What `canRead` needs about many recipients at once: their entitled tiers, in two
 * queries for a whole batch instead of two per member. Roles come with the recipients.
 */
import { inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { grants, subscriptions } from '../../../db/schema.ts';
import { entitlingTiers, type TierEntitlement } from '../access/active-tiers.ts';
import type { Reader } from '../access/can-read.ts';
import { graceDaysFrom, subscriptionEntitlement } from '../billing/subscription-entitlement.ts';

export type RecipientReader = Exclude<Reader, null>;

export async function recipientReaders(
  db: Database,
  recipients: readonly { id: string; role: RecipientReader['role'] }[],
  now: Date,
  /** The tier ids of tiers.yaml: a grant of a tier no longer there opens nothing. */
  declaredTiers: ReadonlySet<string>,
  graceDays: number = graceDaysFrom(),
): Promise<Map<string, RecipientReader>> {
  if (recipients.length === 0) return new Map();
  const ids = recipients.map((recipient) => recipient.id);
  const [granted, subscribed] = await Promise.all([
    db.select({ memberId: grants.memberId, tier: grants.tier, endsAt: grants.endsAt, revokedAt: grants.revokedAt }).from(grants).where(inArray(grants.memberId, ids)),
    db.select().from(subscriptions).where(inArray(subscriptions.memberId, ids)),
  ]);
  const entitlements = new Map<string, TierEntitlement[]>();
  const add = (memberId: string, entitlement: TierEntitlement | undefined) => {
    if (!entitlement) return;
    entitlements.set(memberId, [...(entitlements.get(memberId) ?? []), entitlement]);
  };
  for (const grant of granted) add(grant.memberId, grant);
  for (const subscription of subscribed) add(subscription.memberId, subscriptionEntitlement(subscription, graceDays));
  return new Map(recipients.map(({ id, role }) => [id, { role, tiers: entitlingTiers(entitlements.get(id) ?? [], now, declaredTiers) }]));
}

/** A reader as stored on a send row: fixed when its batch is claimed, so a retry renders the same email. */
export function serializeReader(reader: RecipientReader): string {
  return JSON.stringify({ role: reader.role, tiers: [...reader.tiers].sort() });
}

export function parseReader(stored: string): RecipientReader {
  const value = JSON.parse(stored) as { role: RecipientReader['role']; tiers: string[] };
  return { role: value.role, tiers: value.tiers };
}
