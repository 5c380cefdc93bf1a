/** A member's public name and @handle: checked here, so the page only renders results. */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { members } from '../../../db/schema.ts';
import { isUniqueViolation } from '../../../db/postgres-errors.ts';
import { checkRestrictions } from '../discussions/restriction-guard.ts';
import { loadReservedNames, type CommunityNames } from '../members/load-reserved-names.ts';
import { checkNameNotReserved, type NameUser, type ReservedName } from '../members/reserved-names.ts';

export const nameMaxLength = 80;
export const handlePattern = /^[a-z0-9_]{2,30}$/;
// Handles people could mistake for the site speaking.
const reservedHandles = new Set(['admin', 'administrator', 'owner', 'moderator', 'mod', 'staff', 'support', 'coterie', 'system', 'everyone', 'here']);

export type ProfileField = 'name' | 'handle';
export type ProfileResult = { ok: true } | { ok: false; field: ProfileField; message: string };

/** Empty fields clear the value: a member may stay nameless and handle-less. */
export function checkProfile(input: { name: string; handle: string }): ProfileResult & { name?: string | null; handle?: string | null } {
  const name = input.name.trim().replace(/\s+/g, ' ');
  const handle = input.handle.trim().replace(/^@/, '').toLowerCase();
  if (name.length > nameMaxLength) return { ok: false, field: 'name', message: `A name can be at most ${nameMaxLength} characters.` };
  if (handle && !handlePattern.test(handle)) {
    return { ok: false, field: 'handle', message: 'A handle is 2 to 30 characters: letters, digits and underscores.' };
  }
  if (reservedHandles.has(handle)) return { ok: false, field: 'handle', message: `@${handle} is reserved. Choose another handle.` };
  return { ok: true, name: name || null, handle: handle || null };
}

/** Refuses a name or handle readers would take for the community's or a staff member's. */
export function checkNotImpersonating(profile: { name?: string | null; handle?: string | null }, user: NameUser, reserved: readonly ReservedName[]): ProfileResult {
  if (profile.handle && !checkNameNotReserved(profile.handle, user, reserved).ok) {
    return { ok: false, field: 'handle', message: `@${profile.handle} looks too much like the community's name or a staff member's. Choose another handle.` };
  }
  if (profile.name && !checkNameNotReserved(profile.name, user, reserved).ok) {
    return { ok: false, field: 'name', message: `“${profile.name}” looks too much like the community's name or a staff member's. Choose another name.` };
  }
  return { ok: true };
}

export async function updateProfile(
  db: Database,
  memberId: string,
  input: { name: string; handle: string },
  community: CommunityNames,
  now = new Date(),
): Promise<ProfileResult> {
  // Names show beside every message, so a mute or ban stops changing them too.
  const restricted = await checkRestrictions(db, memberId, 'profile', now);
  if (!restricted.allowed) return { ok: false, field: 'name', message: restricted.message };
  const checked = checkProfile(input);
  if (!checked.ok) return checked;
  const { reserved, user } = await loadReservedNames(db, community, memberId);
  const impersonating = checkNotImpersonating(checked, user, reserved);
  if (!impersonating.ok) return impersonating;
  try {
    await db.update(members).set({ name: checked.name ?? null, handle: checked.handle ?? null }).where(eq(members.id, memberId));
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, field: 'handle', message: `@${checked.handle} is taken. Choose another handle.` };
    throw error;
  }
  return { ok: true };
}
