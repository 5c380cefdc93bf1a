/**
 * Complimentary access the creator gives by hand: grant a tier, revoke it, and read who
 * holds what. Data only; the `coterie members …` command decides what to print.
 */
import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { grants, members, type Grant, type MemberRole } from '../../../db/schema.ts';
import { activeTiers, type TierEntitlement } from '../access/active-tiers.ts';
import { parseEmail } from './email-address.ts';
import { ensureMember, findMemberByEmail } from './ensure-member.ts';

export interface GrantRequest {
  email: string;
  /** A tier id; the caller checks it against tiers.yaml. */
  tier: string;
  /** Null: until revoked. */
  endsAt: Date | null;
  /** Who granted it, for the record: an email address, or "cli". */
  grantedBy: string;
  /** Why; an empty note keeps the note of a grant being changed. */
  note: string;
}

export type GrantResult =
  | {
      ok: true;
      /** granted: a new grant; changed: an active grant got the new end; unchanged: it already ended then (a note may have changed). */
      action: 'granted' | 'changed' | 'unchanged';
      memberCreated: boolean;
      grant: Grant;
      /** The end the active grant had before, for 'changed' and 'unchanged'. */
      previousEndsAt?: Date | null;
    }
  | { ok: false; reason: 'invalid_email' | 'ends_in_past' };

/**
 * Gives `email` the tier from `now` until `endsAt`, creating the member if needed. An
 * active grant of the same tier gets the new end instead of a second grant beside it,
 * so granting again is how the creator extends (or shortens) complimentary access.
 */
export async function grantTier(db: Database, request: GrantRequest, now: Date): Promise<GrantResult> {
  const email = parseEmail(request.email);
  if (email === undefined) return { ok: false, reason: 'invalid_email' };
  if (request.endsAt !== null && request.endsAt <= now) return { ok: false, reason: 'ends_in_past' };

  return db.transaction(async (tx) => {
    const { member, created } = await ensureMember(tx, email);
    // Lock the member row: two grants at once must not both see "none active" and insert twice.
    await tx.select({ id: members.id }).from(members).where(eq(members.id, member.id)).for('update');
    const active = await tx
      .select()
      .from(grants)
      .where(and(eq(grants.memberId, member.id), eq(grants.tier, request.tier), isActiveAt(now)))
      .orderBy(asc(grants.createdAt));

    const [current] = active;
    if (current === undefined) {
      const [grant] = await tx
        .insert(grants)
        .values({ memberId: member.id, tier: request.tier, endsAt: request.endsAt, grantedBy: request.grantedBy, note: request.note })
        .returning();
      if (!grant) throw new Error(`Granting ${request.tier} to ${email} returned no row.`);
      return { ok: true, action: 'granted', memberCreated: created, grant };
    }

    // Replace, not extend-by: the tier then ends when the creator just said, sooner or later.
    const changes = request.note === '' ? { endsAt: request.endsAt } : { endsAt: request.endsAt, note: request.note };
    const updated = await tx
      .update(grants)
      .set(changes)
      .where(and(eq(grants.memberId, member.id), eq(grants.tier, request.tier), isActiveAt(now)))
      .returning();
    const grant = updated.find((row) => row.id === current.id);
    if (!grant) throw new Error(`Changing the ${request.tier} grant of ${email} returned no row.`);
    const action = sameEnd(current.endsAt, request.endsAt) ? 'unchanged' : 'changed';
    return { ok: true, action, memberCreated: created, grant, previousEndsAt: current.endsAt };
  });
}

export type RevokeResult = { ok: true; revoked: number } | { ok: false; reason: 'invalid_email' | 'unknown_member' };

/** Ends the member's active grants of the tier at `now`. Rows are kept for the record. */
export async function revokeTier(db: Database, request: { email: string; tier: string }, now: Date): Promise<RevokeResult> {
  const email = parseEmail(request.email);
  if (email === undefined) return { ok: false, reason: 'invalid_email' };
  const member = await findMemberByEmail(db, email);
  if (member === undefined) return { ok: false, reason: 'unknown_member' };
  const revoked = await db
    .update(grants)
    .set({ revokedAt: now })
    .where(and(eq(grants.memberId, member.id), eq(grants.tier, request.tier), isActiveAt(now)))
    .returning({ id: grants.id });
  return { ok: true, revoked: revoked.length };
}

/** The tier ids the member's complimentary grants entitle them to at `now` (see entitledTiers for all sources). */
export async function grantedTiers(db: Database, memberId: string, now: Date): Promise<string[]> {
  const rows = await db
    .select({ tier: grants.tier, endsAt: grants.endsAt, revokedAt: grants.revokedAt })
    .from(grants)
    .where(eq(grants.memberId, memberId));
  return activeTiers(rows, now);
}

export interface MemberListing {
  email: string;
  handle: string | null;
  name: string | null;
  role: MemberRole;
  createdAt: Date;
  /** Active tiers, sorted by id; endsAt null means until revoked. */
  tiers: { tier: string; endsAt: Date | null }[];
}

/** Every member, oldest first, with the tiers they hold at `now`. */
export async function listMembers(db: Database, now: Date): Promise<MemberListing[]> {
  const [people, live] = await Promise.all([
    db.select().from(members).orderBy(asc(members.createdAt), asc(members.email)),
    db
      .select({ memberId: grants.memberId, tier: grants.tier, endsAt: grants.endsAt, revokedAt: grants.revokedAt })
      .from(grants)
      .where(isActiveAt(now)),
  ]);
  const byMember = new Map<string, TierEntitlement[]>();
  for (const row of live) {
    const list = byMember.get(row.memberId) ?? [];
    list.push(row);
    byMember.set(row.memberId, list);
  }
  return people.map((member) => ({
    email: member.email,
    handle: member.handle,
    name: member.name,
    role: member.role,
    createdAt: member.createdAt,
    tiers: tierEnds(byMember.get(member.id) ?? [], now),
  }));
}

/** Each active tier once, with the latest end among its grants (no end beats any date). */
function tierEnds(entitlements: readonly TierEntitlement[], now: Date): { tier: string; endsAt: Date | null }[] {
  return activeTiers(entitlements, now).map((tier) => {
    const ends = entitlements
      .filter((entitlement) => entitlement.tier === tier && activeTiers([entitlement], now).length > 0)
      .map((entitlement) => entitlement.endsAt);
    const endsAt = ends.includes(null) ? null : new Date(Math.max(...ends.map((end) => end?.getTime() ?? 0)));
    return { tier, endsAt };
  });
}

/** Same rule as activeTiers(), in SQL: not revoked, and no end or an end after `now`. */
function isActiveAt(now: Date) {
  return and(isNull(grants.revokedAt), or(isNull(grants.endsAt), gt(grants.endsAt, now)));
}

function sameEnd(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}
