import { and, count, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { notifications } from '../../../db/schema.ts';

/**
 * How many of a member's notifications are unread, for the header of every on-demand
 * page: one indexed count, with no access re-check (the notifications page does that).
 */
export async function countUnreadNotifications(db: Database, memberId: string): Promise<number> {
  const [row] = await db
    .select({ unread: count() })
    .from(notifications)
    .where(and(eq(notifications.memberId, memberId), isNull(notifications.readAt)));
  return Number(row?.unread ?? 0);
}
