/**
 * Composing a digest: which posts of the period it carries and how, its threads, its
 * subject, frozen into a DigestPlan. Pure: the glue (src/site/newsletter.ts) loads the
 * posts, renders the bodies that are needed and finds the threads.
 */
import type { Access } from '../../../schemas/access.ts';
import type { NewsletterSettings } from '../../../schemas/newsletter.ts';
import type { Tier } from '../../../schemas/tier.ts';
import { splitAtPaywall } from '../../content/paywall.ts';
import { canReadPlace } from '../../discussions/place-access.ts';
import { fromAddress } from '../../mail/from-address.ts';
import { escapeHtml } from '../../mail/templates/escape-html.ts';
import { emailSafeHtml } from './email-safe-html.ts';
import { htmlToText } from './html-to-text.ts';
import type { DigestPlan, DigestPost, DigestThread } from './plan.ts';
import { longDate, renderSubject } from './subject.ts';
import { cheapestUnlockingTier } from './unlock-tier.ts';

/** What composing needs to know of a post (its frontmatter and slug). */
export interface DigestCandidate {
  slug: string;
  title: string;
  description: string;
  date: Date;
  access: Access;
  /** The post's `newsletter` frontmatter. */
  newsletter: boolean | 'summary' | 'full';
  draft: boolean;
}

export type Delivery = DigestPost['delivery'];

/** How a post's `newsletter` flag says to carry it; undefined leaves it out. */
export function deliveryOf(flag: DigestCandidate['newsletter']): Delivery | undefined {
  if (flag === false) return undefined;
  return flag === 'full' ? 'full' : 'summary';
}

export interface Period {
  since: Date;
  until: Date;
}

/**
 * The posts a digest for (since, until] carries, newest first: published in the period
 * (so neither drafts nor posts dated after `until`), and not left out by their flag.
 */
export function selectDigestPosts<T extends DigestCandidate>(posts: readonly T[], { since, until }: Period): T[] {
  return posts
    .filter((post) => !post.draft && deliveryOf(post.newsletter) !== undefined)
    .filter((post) => post.date.getTime() > since.getTime() && post.date.getTime() <= until.getTime())
    .sort((a, b) => b.date.getTime() - a.date.getTime() || a.slug.localeCompare(b.slug));
}

const weekMs = 7 * 24 * 60 * 60 * 1000;
const firstDigestPosts = 3;

/**
 * Where the first digest starts, having no earlier one to follow: a week back, or further
 * if that is what it takes to carry the three newest posts. A creator who moves an
 * existing blog over (or tries the demo) then sees a real first issue, not an empty one.
 */
export function firstDigestSince(posts: readonly DigestCandidate[], now: Date): Date {
  const weekAgo = new Date(now.getTime() - weekMs);
  const newest = selectDigestPosts(posts, { since: new Date(0), until: now }).slice(0, firstDigestPosts);
  const oldest = newest.at(-1);
  return oldest && oldest.date.getTime() <= weekAgo.getTime() ? new Date(oldest.date.getTime() - 1) : weekAgo;
}

/**
 * Whether composing needs the post's rendered HTML: for the teaser above a gated post's
 * `<Paywall />`, or for the whole body. A public post's teaser is its description.
 */
export function needsRenderedBody(post: DigestCandidate): boolean {
  return post.access !== 'public' || deliveryOf(post.newsletter) === 'full';
}

export interface ComposeInput extends Period {
  settings: NewsletterSettings;
  site: { name: string; postalAddress: string; language: string };
  /** The site's address, e.g. https://hedgerow.example (no trailing slash needed). */
  siteUrl: string;
  tiers: readonly Tier[];
  /** Every post; the period and the flags choose among them. */
  posts: readonly DigestCandidate[];
  /** Each post's rendered HTML (with its paywall marker), by slug, where `needsRenderedBody`. */
  bodies: ReadonlyMap<string, string>;
  /** The period's busiest threads, busiest first, with their places. */
  threads: readonly DigestThread[];
}

export function composePlan(input: ComposeInput): DigestPlan {
  const { settings, site, since, until } = input;
  const siteUrl = input.siteUrl.replace(/\/+$/, '');
  const posts = settings.digest.newPosts ? selectDigestPosts(input.posts, input).map((post) => digestPost(post, input.bodies.get(post.slug), siteUrl, input.tiers)) : [];
  const threads = input.threads.slice(0, settings.digest.topThreads);
  const timeZone = settings.schedule === 'off' ? 'UTC' : settings.schedule.timeZone;
  const date = longDate(until, site.language, timeZone);
  const subject = renderSubject(settings.subject, {
    name: settings.name,
    date,
    // With nothing nameable the date stands in: "{name}: {topPost}" must not read "Weekly: Weekly".
    topPost: posts[0]?.title ?? subjectThread(threads)?.title ?? date,
    count: String(posts.length),
  });
  return {
    version: 1,
    newsletterName: settings.name,
    siteName: site.name,
    siteUrl,
    from: fromAddress(settings.sender),
    replyTo: settings.replyTo,
    postalAddress: site.postalAddress,
    subject,
    since: since.toISOString(),
    until: until.toISOString(),
    ...(settings.digest.note === undefined ? {} : { note: settings.digest.note }),
    language: site.language,
    timeZone,
    posts,
    threads,
  };
}

/**
 * The thread a subject may name when the period has no post. One subject goes to every
 * recipient and onto the public archive, so its least-entitled reader is someone not
 * signed in: a thread from any place they cannot read stays out of it. (Post titles are
 * public everywhere; a thread's title is as private as its place.)
 */
function subjectThread(threads: readonly DigestThread[]): DigestThread | undefined {
  return threads.find((thread) => canReadPlace(null, thread.place));
}

function digestPost(post: DigestCandidate, body: string | undefined, siteUrl: string, tiers: readonly Tier[]): DigestPost {
  const url = `${siteUrl}/posts/${post.slug}`;
  const split = body === undefined || post.access === 'public' ? undefined : splitAtPaywall(body);
  const teaserHtml = emailSafeHtml(split?.marked ? split.teaserHtml : `<p>${escapeHtml(post.description)}</p>`, url);
  // Without its rendered body (a public post is not in the server's bundle) a post can only be summarised.
  const delivery = body === undefined ? 'summary' : (deliveryOf(post.newsletter) ?? 'summary');
  const fullHtml = delivery === 'full' && body !== undefined ? emailSafeHtml(body, url) : undefined;
  const unlock = cheapestUnlockingTier(post.access, tiers);
  return {
    slug: post.slug,
    title: post.title,
    description: post.description,
    date: post.date.toISOString().slice(0, 10),
    url,
    access: post.access,
    delivery,
    teaserHtml,
    teaserText: htmlToText(teaserHtml),
    ...(fullHtml === undefined ? {} : { fullHtml, fullText: htmlToText(fullHtml) }),
    ...(unlock ? { unlockTier: { id: unlock.id, name: unlock.name } } : {}),
  };
}

/** Nothing new to tell: no posts and no threads. The scheduler skips such a digest. */
export function digestPeriodEmpty(plan: DigestPlan): boolean {
  return plan.posts.length === 0 && plan.threads.length === 0;
}
