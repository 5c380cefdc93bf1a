/**
 * Deletes sign-in rows nobody can use any more: spent or expired tokens, sessions past
 * their absolute lifetime or idle past the timeout, and finished rate-limit windows.
 * They are harmless but would pile up; running this is optional and safe at any time.
 */
import { lt, or } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { loginTokens, sessions } from '../../../db/schema.ts';
import { pruneRateLimits } from './rate-limit.ts';
import { defaultSessionPolicy, type SessionPolicy } from './session-policy.ts';

const day = 24 * 60 * 60 * 1000;

export async function pruneExpired(db: Database, now: Date, policy: SessionPolicy = defaultSessionPolicy): Promise<void> {
  // Tokens (used or not) stay a day past their end, so "this link was already used" can still be said.
  const tokenCutoff = new Date(now.getTime() - day);
  await db.delete(loginTokens).where(lt(loginTokens.expiresAt, tokenCutoff));
  await db
    .delete(sessions)
    .where(
      or(
        lt(sessions.createdAt, new Date(now.getTime() - policy.absoluteLifetimeMs)),
        lt(sessions.lastVerifiedAt, new Date(now.getTime() - policy.inactivityTimeoutMs)),
      ),
    );
  await pruneRateLimits(db, tokenCutoff);
}
