/**
 * Many subscribers at once, for sending tests and the digest benchmark: one INSERT per
 * thousand rows, with predictable addresses (reader-<n>@<domain>).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { grants, members, suppressions, type NewsletterStatus } from '../../db/schema.ts';

export interface SubscriberSpec {
  count: number;
  domain?: string;
  /** Status for subscriber n; 'subscribed' unless said otherwise. */
  status?: (index: number) => NewsletterStatus;
  /** A complimentary tier for subscriber n, if any. */
  tier?: (index: number) => string | undefined;
  /** Addresses suppressed (bounced) although the member still says subscribed. */
  suppressed?: (index: number) => boolean;
}

export function subscriberAddress(index: number, domain = 'readers.example'): string {
  return `reader-${index}@${domain}`;
}

export async function seedSubscribers(db: Database, spec: SubscriberSpec): Promise<string[]> {
  const ids: string[] = [];
  const createdAt = new Date('2026-01-01T00:00:00Z');
  for (let start = 0; start < spec.count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, spec.count - start) }, (_, offset) => {
      const index = start + offset;
      // Distinct creation times keep the campaign's recipient order (and so its batches) predictable.
      return { email: subscriberAddress(index, spec.domain), newsletter: spec.status?.(index) ?? 'subscribed', createdAt: new Date(createdAt.getTime() + index * 1000) };
    });
    const inserted = await db.insert(members).values(rows).returning({ id: members.id, email: members.email });
    ids.push(...inserted.map((row) => row.id));
  }
  const granted = ids.flatMap((memberId, index) => {
    const tier = spec.tier?.(index);
    return tier ? [{ memberId, tier, grantedBy: 'test' }] : [];
  });
  for (let start = 0; start < granted.length; start += 1000) await db.insert(grants).values(granted.slice(start, start + 1000));
  const suppressed = ids.flatMap((_, index) => (spec.suppressed?.(index) ? [{ email: subscriberAddress(index, spec.domain), reason: 'bounced' as const }] : []));
  if (suppressed.length > 0) await db.insert(suppressions).values(suppressed);
  await db.execute(sql`analyze members`);
  return ids;
}
