import { eq } from 'drizzle-orm';
import type { Database } from '../../../../db/client.ts';
import { stripeEvents } from '../../../../db/schema.ts';

/**
 * Records an event before acting on it. 'new': act. 'unfinished': recorded before but
 * the handler never finished (a crash), so act again: handlers converge, they do not
 * add. 'done': a repeat delivery, nothing to do.
 */
export async function recordEvent(db: Database, event: { id: string; type: string }, now: Date): Promise<'new' | 'unfinished' | 'done'> {
  const inserted = await db.insert(stripeEvents).values({ id: event.id, type: event.type, receivedAt: now }).onConflictDoNothing().returning({ id: stripeEvents.id });
  if (inserted.length > 0) return 'new';
  const [existing] = await db.select({ processedAt: stripeEvents.processedAt }).from(stripeEvents).where(eq(stripeEvents.id, event.id));
  return existing?.processedAt ? 'done' : 'unfinished';
}

export async function markEventProcessed(db: Database, eventId: string, now: Date): Promise<void> {
  await db.update(stripeEvents).set({ processedAt: now }).where(eq(stripeEvents.id, eventId));
}
