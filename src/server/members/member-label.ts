/**
 * How a member is named wherever names appear. Pure. A name, else the @handle; a
 * nameless owner is the community itself (readers know who runs it); any other nameless
 * member gets a stable two-word nickname made from their id ("Amber Otter"), friendlier
 * than a code, the same on every page, and revealing nothing about them. Staff see the
 * email address instead, so they know whom they are dealing with.
 */
import type { MemberRole } from '../../../db/schema.ts';

export type LabelledMember = { id: string; name: string | null; handle: string | null; role?: MemberRole; email?: string };

export type LabelAudience = { audience: 'everyone'; communityName: string } | { audience: 'staff' };

export const roleMarks: Record<Exclude<MemberRole, 'member'>, string> = { owner: 'Owner', moderator: 'Moderator' };

/** "Owner" or "Moderator" for staff; undefined for everyone else. */
export function staffMark(role: MemberRole | undefined): string | undefined {
  return role === 'owner' || role === 'moderator' ? roleMarks[role] : undefined;
}

export function memberLabel(person: LabelledMember, as: LabelAudience): string {
  const name = person.name?.trim();
  const handle = person.handle ? `@${person.handle}` : undefined;
  if (as.audience === 'staff') {
    const label = name && handle ? `${name} (${handle})` : (name ?? handle ?? person.email ?? nickname(person.id));
    const mark = staffMark(person.role);
    return mark ? `${label} · ${mark}` : label;
  }
  if (name) return name;
  if (handle) return handle;
  return person.role === 'owner' ? as.communityName : nickname(person.id);
}

// 64 × 64 pairs: ten nameless members in one thread share a nickname about once in ninety such threads.
const adjectives = [
  'Amber', 'Ashen', 'Autumn', 'Azure', 'Bold', 'Brave', 'Bright', 'Brisk', 'Calm', 'Clever', 'Copper', 'Coral', 'Crimson', 'Curious', 'Dawn', 'Dusky',
  'Eager', 'Early', 'Evening', 'Fern', 'Gentle', 'Golden', 'Granite', 'Hazel', 'Honey', 'Hushed', 'Indigo', 'Ivory', 'Jade', 'Jolly', 'Keen', 'Kind',
  'Lively', 'Lucky', 'Lunar', 'Maple', 'Meadow', 'Merry', 'Misty', 'Mossy', 'Nimble', 'Noble', 'Ochre', 'Olive', 'Patient', 'Pebble', 'Plucky', 'Quiet',
  'Rosy', 'Russet', 'Rustic', 'Sage', 'Silver', 'Sleepy', 'Sunny', 'Swift', 'Tawny', 'Thistle', 'Tidy', 'Velvet', 'Wandering', 'Willow', 'Winter', 'Wise',
];
const nouns = [
  'Badger', 'Beaver', 'Beetle', 'Bittern', 'Bumblebee', 'Buzzard', 'Caddis', 'Chaffinch', 'Cricket', 'Curlew', 'Damselfly', 'Dipper', 'Dormouse', 'Dragonfly', 'Dunnock', 'Egret',
  'Falcon', 'Ferret', 'Finch', 'Firefly', 'Fox', 'Gecko', 'Goldcrest', 'Grebe', 'Hare', 'Hedgehog', 'Heron', 'Hoverfly', 'Ibis', 'Jay', 'Kestrel', 'Kingfisher',
  'Lapwing', 'Lark', 'Linnet', 'Lynx', 'Magpie', 'Marten', 'Mayfly', 'Merlin', 'Mole', 'Moth', 'Newt', 'Nightjar', 'Nuthatch', 'Otter', 'Owl', 'Pipit',
  'Plover', 'Puffin', 'Rabbit', 'Raven', 'Robin', 'Salmon', 'Sandpiper', 'Shrew', 'Skylark', 'Snipe', 'Sparrow', 'Squirrel', 'Stoat', 'Swallow', 'Toad', 'Vole',
];

/** A stable nickname from a member's id: the same id always gives the same words. */
export function nickname(id: string): string {
  // FNV-1a, then a final mix so that ids differing in one character land far apart.
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash = (hash ^ (hash >>> 12)) >>> 0;
  return `${adjectives[hash % 64]} ${nouns[(hash >>> 6) % 64]}`;
}
