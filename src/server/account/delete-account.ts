import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { loginTokens, members } from '../../../db/schema.ts';

/**
 * Deletes a member and everything hanging off them (sessions and grants go by cascade),
 * plus any sign-in links still out for their address. The owner cannot delete the
 * owner account from the web: the community would be left without one.
 */
export async function deleteAccount(db: Database, member: { id: string; email: string; role: string }): Promise<'deleted' | 'owner_cannot_delete'> {
  if (member.role === 'owner') return 'owner_cannot_delete';
  await db.transaction(async (tx) => {
    await tx.delete(loginTokens).where(eq(loginTokens.email, member.email));
    await tx.delete(members).where(eq(members.id, member.id));
  });
  return 'deleted';
}
