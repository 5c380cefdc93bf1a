/**
 * Fixed-window rate limits kept in the database, so they hold across restarts and
 * across several server processes sharing one Postgres.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { rateLimits } from '../../../db/schema.ts';

export interface RateLimit {
  /** How many attempts a window allows. */
  limit: number;
  windowMs: number;
}

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts one attempt against `key` and says whether it is within the limit. One upsert
 * does the counting, so two requests at once cannot both take the last attempt.
 */
export async function consumeRateLimit(db: Database, key: string, rule: RateLimit, now: Date): Promise<RateLimitResult> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStartedAt: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        // A window that has passed starts again with this attempt.
        count: sql`case when ${rateLimits.windowStartedAt} <= ${windowStart.toISOString()} then 1 else ${rateLimits.count} + 1 end`,
        windowStartedAt: sql`case when ${rateLimits.windowStartedAt} <= ${windowStart.toISOString()} then ${now.toISOString()}::timestamptz else ${rateLimits.windowStartedAt} end`,
      },
    })
    .returning();
  if (!row) throw new Error(`Rate limit ${key} returned no row.`);
  if (row.count <= rule.limit) return { allowed: true };
  return { allowed: false, retryAfterMs: Math.max(0, row.windowStartedAt.getTime() + rule.windowMs - now.getTime()) };
}

/** Several limits at once (say, per address and per network); every one is counted. */
export async function consumeRateLimits(
  db: Database,
  checks: readonly { key: string; rule: RateLimit }[],
  now: Date,
): Promise<RateLimitResult> {
  let refused: { allowed: false; retryAfterMs: number } | undefined;
  for (const { key, rule } of checks) {
    const result = await consumeRateLimit(db, key, rule, now);
    if (!result.allowed && result.retryAfterMs >= (refused?.retryAfterMs ?? 0)) refused = result;
  }
  return refused ?? { allowed: true };
}

/** Deletes windows that ended before `now`; rows for idle keys would otherwise pile up. */
export async function pruneRateLimits(db: Database, olderThan: Date): Promise<void> {
  await db.delete(rateLimits).where(sql`${rateLimits.windowStartedAt} < ${olderThan.toISOString()}`);
}
