import type { Database } from '../../../db/client.ts';
import { members } from '../../../db/schema.ts';
import { findMemberByEmail } from './ensure-member.ts';
import { normalizeEmail } from './email-address.ts';

/**
 * The id of the member named by `ownerEmail`, creating their account (as owner) when
 * they have never signed in, so what the community writes in their name (a space's
 * welcome thread) is theirs from the start. This grants nothing new: whoever proves the
 * address becomes the owner at sign-in anyway.
 */
export async function ensureOwnerAccount(db: Database, ownerEmail: string): Promise<string> {
  const email = normalizeEmail(ownerEmail);
  const found = await findMemberByEmail(db, email);
  if (found) return found.id;
  await db.insert(members).values({ email, role: 'owner' }).onConflictDoNothing({ target: members.email });
  const created = await findMemberByEmail(db, email);
  if (!created) throw new Error(`The owner's account (${email}) vanished while being created.`);
  return created.id;
}
