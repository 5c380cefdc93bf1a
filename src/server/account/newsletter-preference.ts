import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members } from '../../../db/schema.ts';

/**
 * Turns the newsletter on or off from the account page. After a spam complaint the
 * provider suppresses the address anyway, so turning it back on here would only
 * pretend; that case is reported as 'blocked' for the page to explain.
 */
export async function setNewsletter(db: Database, memberId: string, wanted: boolean): Promise<'subscribed' | 'unsubscribed' | 'blocked'> {
  const where = wanted ? and(eq(members.id, memberId), ne(members.newsletter, 'complained')) : eq(members.id, memberId);
  const changed = await db
    .update(members)
    .set({ newsletter: wanted ? 'subscribed' : 'unsubscribed' })
    .where(where)
    .returning({ id: members.id });
  if (changed.length === 0) return 'blocked';
  return wanted ? 'subscribed' : 'unsubscribed';
}
