/**
 * Counts of refused sign-in and newsletter attempts, per day (UTC), form and reason, so
 * the owner can see what the defence turns away. Nothing about the sender is kept.
 */
import { desc, gte, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { refusedSignUps } from '../../../db/schema.ts';
import type { GuardedForm } from './bot-policy.ts';

export const refusalReasons = ['honeypot', 'stamp_forged', 'too_fast', 'stamp_missing', 'stamp_stale', 'network_burst'] as const;
export type RefusalReason = (typeof refusalReasons)[number];

export interface RefusedSignUpCount {
  /** YYYY-MM-DD, UTC. */
  day: string;
  form: GuardedForm;
  reason: RefusalReason;
  count: number;
}

export async function countRefusedSignUp(db: Database, refusal: { form: GuardedForm; reason: RefusalReason; now: Date }): Promise<void> {
  await db
    .insert(refusedSignUps)
    .values({ day: utcDay(refusal.now), form: refusal.form, reason: refusal.reason, count: 1 })
    .onConflictDoUpdate({
      target: [refusedSignUps.day, refusedSignUps.form, refusedSignUps.reason],
      set: { count: sql`${refusedSignUps.count} + 1` },
    });
}

/** The counts of the last `days` days up to `now`, newest day first. */
export async function listRefusedSignUps(db: Database, { now, days }: { now: Date; days: number }): Promise<RefusedSignUpCount[]> {
  const since = utcDay(new Date(now.getTime() - (days - 1) * 86_400_000));
  const rows = await db
    .select()
    .from(refusedSignUps)
    .where(gte(refusedSignUps.day, since))
    .orderBy(desc(refusedSignUps.day), refusedSignUps.form, refusedSignUps.reason);
  return rows.flatMap((row) => {
    const form = row.form === 'signin' || row.form === 'subscribe' ? row.form : undefined;
    const reason = refusalReasons.find((known) => known === row.reason);
    return form && reason ? [{ day: row.day, form, reason, count: row.count }] : [];
  });
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
