import type { MemberRole } from '../../../db/schema.ts';
import { normalizeEmail } from '../members/email-address.ts';

/**
 * The role a member has once signed in: whoever proves the owner address from
 * site.yaml is the owner. Nobody is demoted here; changing owners is a deliberate act.
 */
export function roleAfterSignIn(current: MemberRole, email: string, ownerEmail: string): MemberRole {
  return normalizeEmail(email) === normalizeEmail(ownerEmail) ? 'owner' : current;
}
