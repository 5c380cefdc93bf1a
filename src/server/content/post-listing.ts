/** The fields listings need; kept plain so these rules test without Astro. */
export type ListedPost = {
  id: string;
  data: { date: Date; tags: readonly string[]; featured: boolean; draft: boolean };
};

/** A post is published once it is not a draft and its date has come. */
export function isPublished(post: ListedPost, now: Date): boolean {
  return !post.data.draft && post.data.date.getTime() <= now.getTime();
}

/** Published posts, newest first: drafts and posts dated in the future are left out. */
export function publishedNewestFirst<T extends ListedPost>(posts: readonly T[], now: Date): T[] {
  return posts
    .filter((post) => isPublished(post, now))
    .sort((a, b) => b.data.date.getTime() - a.data.date.getTime() || a.id.localeCompare(b.id));
}

/** Every tag with its post count, most used first, then alphabetically. */
export function tagCounts(posts: readonly ListedPost[]): { tag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const post of posts) {
    for (const tag of post.data.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

/** Featured posts first (up to `limit`), then the rest in date order for "latest". */
export function homeSelection<T extends ListedPost>(posts: readonly T[], featuredLimit: number, latestLimit: number) {
  const featured = posts.filter((post) => post.data.featured).slice(0, featuredLimit);
  const latest = posts.filter((post) => !featured.includes(post)).slice(0, latestLimit);
  return { featured, latest };
}
