import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, memberRoles, type MemberRole } from '../../../db/schema.ts';
import { parseEmail } from './email-address.ts';

export function isMemberRole(value: string): value is MemberRole {
  return (memberRoles as readonly string[]).includes(value);
}

export type RoleChange =
  | { ok: true; previous: MemberRole; role: MemberRole }
  | { ok: false; reason: 'invalid_email' | 'unknown_member' };

/**
 * Makes a member a moderator (or back), or hands ownership on. Only existing members:
 * a role for someone who has never signed in would wait, unseen, for whoever proves
 * that address first.
 */
export async function setMemberRole(db: Database, input: { email: string; role: MemberRole }): Promise<RoleChange> {
  const email = parseEmail(input.email);
  if (!email) return { ok: false, reason: 'invalid_email' };
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ role: members.role }).from(members).where(eq(members.email, email)).for('update');
    if (!current) return { ok: false as const, reason: 'unknown_member' as const };
    await tx.update(members).set({ role: input.role }).where(eq(members.email, email));
    return { ok: true as const, previous: current.role, role: input.role };
  });
}
