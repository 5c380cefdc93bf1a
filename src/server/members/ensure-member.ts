import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members, type Member } from '../../../db/schema.ts';

/**
 * The member with this (normalized) address, created if there is none. Safe when two
 * requests race: the unique index decides, and both get the same row.
 */
export async function ensureMember(db: Database, email: string): Promise<{ member: Member; created: boolean }> {
  const [inserted] = await db.insert(members).values({ email }).onConflictDoNothing({ target: members.email }).returning();
  if (inserted) return { member: inserted, created: true };
  const [existing] = await db.select().from(members).where(eq(members.email, email));
  if (!existing) throw new Error(`Member ${email} vanished while being created.`);
  return { member: existing, created: false };
}

/** The member with this address, if any. */
export async function findMemberByEmail(db: Database, email: string): Promise<Member | undefined> {
  const [member] = await db.select().from(members).where(eq(members.email, sql`lower(${email})`));
  return member;
}
