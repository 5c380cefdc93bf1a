import { z } from 'astro/zod';

export const accessLevels = ['public', 'members', 'paid'] as const;

/**
 * Who may read a post: everyone, any signed-in member, any paying member,
 * or members of the listed tiers (ids from `content/tiers.yaml`).
 */
export const accessSchema = z.union(
  [z.enum(accessLevels), z.array(z.string().min(1)).min(1)],
  { error: 'must be "public", "members", "paid", or a list of tier ids such as [naturalist]' },
);

export type Access = z.infer<typeof accessSchema>;
