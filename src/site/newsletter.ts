/**
 * Astro-side glue for the newsletter: its settings from content, and composing a digest
 * from the posts of the period (rendered with Astro's container API, the same MDX the
 * post pages render) and the busiest threads.
 */
import mdxRenderer from '@astrojs/mdx/server.js';
import { experimental_AstroContainer } from 'astro/container';
import { getCollection, getEntry, render } from 'astro:content';
import type { Database } from '../../db/client.ts';
import { mdxComponents } from '../components/mdx/index.ts';
import { isPublic } from '../server/access/can-read.ts';
import { newsletterSchema, resolveNewsletterSettings, type NewsletterSettings } from '../schemas/newsletter.ts';
import { lastDigestUntil } from '../server/newsletter/digest/archive.ts';
import { composePlan, firstDigestSince, needsRenderedBody, selectDigestPosts, type DigestCandidate, type Period } from '../server/newsletter/digest/compose-plan.ts';
import type { DigestPlan, DigestThread } from '../server/newsletter/digest/plan.ts';
import { topThreads } from '../server/newsletter/digest/top-threads.ts';
import { getPublishedPost, getSite, getTiers, type Post } from './community.ts';
import { getSpaces, postPlace, spacePlace } from './discussions.ts';

export { digestPeriodEmpty } from '../server/newsletter/digest/compose-plan.ts';

/** newsletter.yaml with its defaults, and site.yaml's sender and owner where it says nothing. */
export async function getNewsletterSettings(): Promise<NewsletterSettings> {
  const [entry, site] = await Promise.all([getEntry('newsletter', 'newsletter'), getSite()]);
  // No newsletter.yaml: every default, which means sending by hand only.
  return resolveNewsletterSettings(entry?.data ?? newsletterSchema.parse({}), site);
}

export interface ComposeRequest {
  db: Database;
  /** The site's address (runtimeSiteUrl()); every link in the digest is built on it. */
  siteUrl: URL | string;
  /** The end of the period. */
  now: Date;
  /** The start of the period; by default where the last digest ended (the first: see firstDigestSince). */
  since?: Date;
}

export async function composeDigestPlan({ db, siteUrl, now, since }: ComposeRequest): Promise<DigestPlan> {
  const [settings, site, tiers, entries] = await Promise.all([getNewsletterSettings(), getSite(), getTiers(), getCollection('posts')]);
  const posts = entries.map(candidateOf);
  const period: Period = { since: since ?? (await lastDigestUntil(db)) ?? firstDigestSince(posts, now), until: now };
  const url = String(siteUrl).replace(/\/+$/, '');
  const chosen = settings.digest.newPosts ? selectDigestPosts(posts, period) : [];
  const bodies = await renderBodies(entries.filter((entry) => chosen.some((post) => post.slug === entry.id && needsRenderedBody(post))));
  const threads = await digestThreads(db, period, settings.digest.topThreads, url);
  return composePlan({ settings, site, siteUrl: url, tiers, ...period, posts, bodies, threads });
}

function candidateOf(entry: Post): DigestCandidate {
  const { title, description, date, access, newsletter, draft } = entry.data;
  return { slug: entry.id, title, description, date, access, newsletter, draft };
}

/** Each post's HTML as its page renders it, `<Paywall />` marker included. */
async function renderBodies(entries: readonly Post[]): Promise<Map<string, string>> {
  const bodies = new Map<string, string>();
  if (entries.length === 0) return bodies;
  const container = await experimental_AstroContainer.create();
  container.addServerRenderer({ name: 'astro:jsx', renderer: mdxRenderer });
  for (const entry of entries) {
    const html = await renderBody(container, entry);
    if (html !== undefined && html.trim() !== '') bodies.set(entry.id, html);
  }
  return bodies;
}

async function renderBody(container: experimental_AstroContainer, entry: Post): Promise<string | undefined> {
  try {
    const { Content } = await render(entry);
    return await container.renderToString(Content, { props: { components: mdxComponents } });
  } catch (error) {
    // The server build leaves public posts out (they are served as files), so one may
    // not render here; composing then lists it with its description instead.
    if (isPublic(entry.data)) return undefined;
    throw new Error(`Rendering ${entry.filePath ?? entry.id} for the digest failed.`, { cause: error });
  }
}

/** The period's busiest threads whose space or post still exists, with their places. */
async function digestThreads(db: Database, period: Period, limit: number, siteUrl: string): Promise<DigestThread[]> {
  if (limit <= 0) return [];
  // A few more than needed: some may belong to a space or post that is gone.
  const [active, spaces] = await Promise.all([topThreads(db, { ...period, limit: limit + 10 }), getSpaces()]);
  const spaceById = new Map(spaces.map((space) => [space.id, space]));
  const found: DigestThread[] = [];
  for (const thread of active) {
    const space = thread.spaceId ? spaceById.get(thread.spaceId) : undefined;
    const post = !space && thread.postSlug ? await getPublishedPost(thread.postSlug) : undefined;
    const common = { id: thread.id, replies: thread.replies, participants: thread.participants };
    if (space) found.push({ ...common, title: thread.title, url: `${siteUrl}/t/${thread.id}`, place: spacePlace(space) });
    else if (post) found.push({ ...common, title: post.data.title, url: `${siteUrl}/posts/${post.id}/discussion`, place: postPlace(post) });
    if (found.length === limit) break;
  }
  return found;
}
