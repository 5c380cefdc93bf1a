import { getCollection, getEntry, type CollectionEntry } from 'astro:content';
import type { Site } from '../schemas/site.ts';
import type { Tier } from '../schemas/tier.ts';
import { isPublished, publishedNewestFirst } from '../server/content/post-listing.ts';
import { tiersUnlockingAccess } from '../server/newsletter/digest/unlock-tier.ts';

export type Post = CollectionEntry<'posts'>;

/** The community's settings from site.yaml. */
export async function getSite(): Promise<Site> {
  const entry = await getEntry('site', 'site');
  if (!entry) throw new Error('content/site.yaml is missing: copy the one from the demo community and edit it.');
  return entry.data;
}

/** Every tier in tiers.yaml order, including hidden and archived ones. */
export async function getTiers(): Promise<Tier[]> {
  return (await getCollection('tiers')).map((entry) => entry.data);
}

/** The ids of every tier in tiers.yaml, archived ones too: only these entitle anyone (see entitlingTiers). */
export async function getDeclaredTiers(): Promise<Set<string>> {
  return new Set((await getTiers()).map((tier) => tier.id));
}

/** Tier display names by id, for badges that name who may read a post. */
export async function getTierNames(): Promise<Map<string, string>> {
  return new Map((await getTiers()).map((tier) => [tier.id, tier.name]));
}

/**
 * Published posts, newest first. Checks every tier a post names exists, so a typo in
 * `access` fails the build instead of locking a post away from everyone.
 */
export async function getPosts(): Promise<Post[]> {
  const [posts, tiers] = await Promise.all([getCollection('posts'), getTiers()]);
  const tierIds = new Set(tiers.map((tier) => tier.id));
  for (const post of posts) {
    if (!Array.isArray(post.data.access)) continue;
    const unknown = post.data.access.filter((id) => !tierIds.has(id));
    if (unknown.length > 0) {
      throw new Error(
        `${post.filePath ?? post.id}: access names unknown tier ${unknown.map((id) => `"${id}"`).join(', ')}. ` +
          `Tiers in tiers.yaml: ${[...tierIds].join(', ') || '(none)'}; or use public, members or paid.`,
      );
    }
  }
  return publishedNewestFirst(posts, new Date());
}

/** One published post by its slug, for on-demand routes: a lookup, not a scan of every post. */
export async function getPublishedPost(slug: string): Promise<Post | undefined> {
  const post = await getEntry('posts', slug);
  return post && isPublished(post, new Date()) ? post : undefined;
}

/** The tiers that unlock a post, cheapest first — what a reader should be offered. */
export function tiersUnlocking(post: Post, tiers: readonly Tier[]): Tier[] {
  return tiersUnlockingAccess(post.data.access, tiers);
}
