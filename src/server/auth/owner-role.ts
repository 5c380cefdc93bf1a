import type { MemberRole } from '../../../db/schema.ts';
import { normalizeEmail } from '../members/email-address.ts';

/** The roles someone can hold besides owner: what a former owner goes back to. */
export type StaffOrMemberRole = Exclude<MemberRole, 'owner'>;

/** The audit-log actions of a change of owner; their detail is written and read below. */
export const ownerActions = { became: 'become-owner', left: 'leave-owner' } as const;

/**
 * The owner is whoever proves the `ownerEmail` of site.yaml, and nobody else: editing that
 * field is how ownership changes hands.
 */
export function isOwnerEmail(email: string, ownerEmail: string): boolean {
  return normalizeEmail(email) === normalizeEmail(ownerEmail);
}

/** The detail recorded when someone becomes owner: the role they had, to give back later. */
export function becameOwnerDetail(previous: MemberRole): string {
  return `was ${previous}; ownerEmail in site.yaml names them`;
}

/**
 * The role a former owner goes back to: the one recorded when they became owner, or
 * member when there is no record (say, an owner from before the log kept one).
 */
export function roleBeforeOwner(becameDetail: string | undefined): StaffOrMemberRole {
  return /^was moderator\b/.test(becameDetail ?? '') ? 'moderator' : 'member';
}
