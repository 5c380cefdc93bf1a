import { inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members } from '../../../db/schema.ts';
import type { NameUser, ReservedName } from './reserved-names.ts';

/** What site.yaml says the community and its owner are called. */
export type CommunityNames = { name: string; ownerEmail: string; senderName?: string };

/**
 * The names nobody else may take: each staff member's name and handle (theirs to keep),
 * and the community's name, sender name and the owner address's local part (the owner's,
 * reserved even before they sign in and pick a handle). Also says who among staff `memberId` is.
 */
export async function loadReservedNames(db: Database, community: CommunityNames, memberId: string): Promise<{ reserved: ReservedName[]; user: NameUser }> {
  const staff = await db.select({ id: members.id, name: members.name, handle: members.handle, role: members.role }).from(members).where(inArray(members.role, ['owner', 'moderator']));
  const owner = { role: 'owner' } as const;
  const reserved: ReservedName[] = [
    { text: community.name, usableBy: owner },
    { text: community.ownerEmail.split('@')[0] ?? '', usableBy: owner },
    ...(community.senderName ? [{ text: community.senderName, usableBy: owner }] : []),
    ...staff.flatMap((person) => [person.name, person.handle].flatMap((text) => (text ? [{ text, usableBy: { memberId: person.id } }] : []))),
  ];
  const role = staff.find((person) => person.id === memberId)?.role ?? 'member';
  return { reserved, user: { id: memberId, role } };
}
