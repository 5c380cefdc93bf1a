/**
 * The one question every member write asks before it is stored: is a mute or ban in
 * force? Loads the member's restrictions and hands them to `write-restrictions.ts`.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { memberRestrictions } from '../../../db/schema.ts';
import { decideRestrictedWrite, type RestrictedWrite, type Restriction, type RestrictionVerdict } from './write-restrictions.ts';

/** Restrictions not lifted, whether in force or ended (the rule tells them apart by time). */
export async function loadRestrictions(db: Database, memberId: string): Promise<Restriction[]> {
  return db
    .select({ kind: memberRestrictions.kind, until: memberRestrictions.until })
    .from(memberRestrictions)
    .where(and(eq(memberRestrictions.memberId, memberId), isNull(memberRestrictions.liftedAt)));
}

export async function checkRestrictions(db: Database, memberId: string, write: RestrictedWrite, now: Date): Promise<RestrictionVerdict> {
  return decideRestrictedWrite(write, await loadRestrictions(db, memberId), now);
}
