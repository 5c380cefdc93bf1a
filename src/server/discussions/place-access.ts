/**
 * Who may read and who may write in a discussion's place: a space from spaces.yaml, or
 * a post. Pure, and built on `canRead`, so a thread is never more visible than its
 * place and a post's discussion never more visible than the post.
 */
import type { Access } from '../../schemas/access.ts';
import { canRead, type Reader } from '../access/can-read.ts';

export type Place =
  | { kind: 'space'; id: string; name: string; read: Access; post: Access }
  | { kind: 'post'; slug: string; title: string; access: Access };

export type WriteDecision =
  | { allowed: true }
  | { allowed: false; reason: 'sign_in_required' | 'not_allowed_here' };

export function canReadPlace(reader: Reader, place: Place): boolean {
  return canRead(reader, { access: place.kind === 'space' ? place.read : place.access }).allowed;
}

/**
 * Writing always needs a signed-in member who can read the place. In a space, `post`
 * narrows it further ("public" there means any signed-in member).
 */
export function canWriteInPlace(reader: Reader, place: Place): WriteDecision {
  if (reader === null) return { allowed: false, reason: 'sign_in_required' };
  if (!canReadPlace(reader, place)) return { allowed: false, reason: 'not_allowed_here' };
  if (place.kind === 'space' && !canRead(reader, { access: place.post }).allowed) return { allowed: false, reason: 'not_allowed_here' };
  return { allowed: true };
}

/** Owners and moderators see hidden threads and replies, and moderate. */
export function isStaff(reader: { role: string } | null): boolean {
  return reader?.role === 'owner' || reader?.role === 'moderator';
}
