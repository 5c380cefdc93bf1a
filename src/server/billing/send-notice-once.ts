import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { sentNotices } from '../../../db/schema.ts';

/**
 * Sends an email at most once per `key` (say `welcome:sub_123`), however often the event
 * behind it is delivered. The key is claimed before sending; if the send fails the claim
 * is released, so the retried webhook sends it then. (A crash between the provider
 * accepting and the claim being kept cannot double-send: the claim is written first.)
 */
export async function sendNoticeOnce(db: Database, key: string, send: () => Promise<unknown>): Promise<'sent' | 'already_sent'> {
  const claimed = await db.insert(sentNotices).values({ key }).onConflictDoNothing().returning({ key: sentNotices.key });
  if (claimed.length === 0) return 'already_sent';
  try {
    await send();
  } catch (error) {
    await db.delete(sentNotices).where(eq(sentNotices.key, key));
    throw error;
  }
  return 'sent';
}
