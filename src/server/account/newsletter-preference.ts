import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, suppressions } from '../../../db/schema.ts';

/**
 * Turns the newsletter on or off from the account page. After a spam complaint or a
 * hard bounce the address stays suppressed (the provider would refuse it anyway), so
 * turning it back on here would only pretend; that case is reported as 'blocked' for
 * the page to explain. Turning it on lifts an earlier unsubscribe or import record:
 * a signed-in member asking for the newsletter is the clearest consent there is.
 */
export async function setNewsletter(db: Database, memberId: string, wanted: boolean): Promise<'subscribed' | 'unsubscribed' | 'blocked'> {
  return db.transaction(async (tx) => {
    const where = wanted ? and(eq(members.id, memberId), notInArray(members.newsletter, ['complained', 'bounced'])) : eq(members.id, memberId);
    const changed = await tx
      .update(members)
      .set({ newsletter: wanted ? 'subscribed' : 'unsubscribed' })
      .where(where)
      .returning({ email: members.email });
    const member = changed[0];
    if (!member) return 'blocked';
    if (wanted) await tx.delete(suppressions).where(and(eq(suppressions.email, member.email), inArray(suppressions.reason, ['unsubscribed', 'imported'])));
    return wanted ? 'subscribed' : 'unsubscribed';
  });
}
