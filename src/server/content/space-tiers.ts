/**
 * A space's `read` or `post` naming a tier tiers.yaml does not declare would hide the
 * space from everyone but staff, silently. Pure: the loader calls it with both files read.
 */
import type { Access } from '../../schemas/access.ts';

export interface SpaceAccess {
  id: string;
  read: Access;
  post: Access;
}

/** The first unknown tier as a message naming the file, space, field and allowed values; undefined when all are known. */
export function unknownSpaceTier(file: string, spaces: readonly SpaceAccess[], tierIds: readonly string[]): string | undefined {
  for (const space of spaces) {
    for (const field of ['read', 'post'] as const) {
      const access = space[field];
      if (!Array.isArray(access)) continue;
      const unknown = access.filter((id) => !tierIds.includes(id));
      if (unknown.length === 0) continue;
      return (
        `${file}: space "${space.id}": ${field} names unknown tier ${unknown.map((id) => `"${id}"`).join(', ')}. ` +
        `Tiers in tiers.yaml: ${tierIds.join(', ') || '(none)'}; or use public, members or paid.`
      );
    }
  }
  return undefined;
}
