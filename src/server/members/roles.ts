import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, type MemberRole } from '../../../db/schema.ts';
import type { StaffOrMemberRole } from '../auth/owner-role.ts';
import { parseEmail } from './email-address.ts';

export type RoleChange =
  | { ok: true; previous: MemberRole; role: MemberRole }
  | { ok: false; reason: 'invalid_email' | 'unknown_member' | 'owner' };

/**
 * Makes a member a moderator, or back. Only existing members: a role for someone who has
 * never signed in would wait, unseen, for whoever proves that address first. Never the
 * owner, either way: ownership follows ownerEmail in site.yaml (owner-from-site.ts).
 */
export async function setMemberRole(db: Database, input: { email: string; role: StaffOrMemberRole }): Promise<RoleChange> {
  const email = parseEmail(input.email);
  if (!email) return { ok: false, reason: 'invalid_email' };
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ role: members.role }).from(members).where(eq(members.email, email)).for('update');
    if (!current) return { ok: false as const, reason: 'unknown_member' as const };
    if (current.role === 'owner') return { ok: false as const, reason: 'owner' as const };
    await tx.update(members).set({ role: input.role }).where(eq(members.email, email));
    return { ok: true as const, previous: current.role, role: input.role };
  });
}
