/**
 * A digest as one reader may see it. Every post asks `canRead`, every thread
 * `canReadPlace`: a reader who may not read a post gets its teaser and the way in, and
 * its gated body is never copied into their view, so no template can show it by mistake.
 */
import { canRead, type Reader } from '../../access/can-read.ts';
import { canReadPlace } from '../../discussions/place-access.ts';
import type { DigestPlan, DigestPost, DigestThread } from './plan.ts';

/** What anyone may know of a post: everything but its gated body. */
export type PostHeading = Pick<DigestPost, 'slug' | 'title' | 'description' | 'date' | 'url' | 'access' | 'teaserHtml' | 'teaserText'>;

export type ReaderPost =
  /** Allowed, and the post goes out whole. */
  | { show: 'full'; post: PostHeading; html: string; text: string }
  /** Allowed: the teaser and a link to the post. */
  | { show: 'summary'; post: PostHeading }
  /** Not allowed until they pay: the teaser and an upgrade button (to /join when no tier is open). */
  | { show: 'upgrade'; post: PostHeading; tier?: { id: string; name: string } }
  /** A members post for someone not signed in: the teaser and a sign-in link. */
  | { show: 'sign_in'; post: PostHeading };

export interface ReaderDigest {
  newsletterName: string;
  siteName: string;
  siteUrl: string;
  subject: string;
  since: string;
  until: string;
  note?: string;
  postalAddress: string;
  language: string;
  timeZone: string;
  posts: ReaderPost[];
  threads: DigestThread[];
}

export function readerDigest(plan: DigestPlan, reader: Reader): ReaderDigest {
  return {
    newsletterName: plan.newsletterName,
    siteName: plan.siteName,
    siteUrl: plan.siteUrl,
    subject: plan.subject,
    since: plan.since,
    until: plan.until,
    ...(plan.note === undefined ? {} : { note: plan.note }),
    postalAddress: plan.postalAddress,
    language: plan.language ?? 'en',
    timeZone: plan.timeZone ?? 'UTC',
    posts: plan.posts.map((post) => readerPost(post, reader)),
    threads: plan.threads.filter((thread) => canReadPlace(reader, thread.place)),
  };
}

function readerPost(post: DigestPost, reader: Reader): ReaderPost {
  // Field by field, never a spread of the plan's post: its gated body stays behind.
  const heading: PostHeading = {
    slug: post.slug,
    title: post.title,
    description: post.description,
    date: post.date,
    url: post.url,
    access: post.access,
    teaserHtml: post.teaserHtml,
    teaserText: post.teaserText,
  };
  const decision = canRead(reader, post);
  if (decision.allowed) {
    return post.delivery === 'full' && post.fullHtml !== undefined && post.fullText !== undefined
      ? { show: 'full', post: heading, html: post.fullHtml, text: post.fullText }
      : { show: 'summary', post: heading };
  }
  if (decision.reason === 'sign_in_required') return { show: 'sign_in', post: heading };
  return post.unlockTier ? { show: 'upgrade', post: heading, tier: { ...post.unlockTier } } : { show: 'upgrade', post: heading };
}

const letters: Record<ReaderPost['show'], string> = { full: 'F', summary: 'S', upgrade: 'T', sign_in: 'M' };

/**
 * A short key for what a reader sees, e.g. "FST.10": a letter per post (Full, Summary,
 * Teaser with upgrade, Members-only) and a digit per thread (shown or not). Readers with
 * the same key get the same email, byte for byte, given the same links.
 */
export function readerSegment(plan: DigestPlan, reader: Reader): string {
  const view = readerDigest(plan, reader);
  const posts = view.posts.map((post) => letters[post.show]).join('');
  const threads = plan.threads.map((thread) => (canReadPlace(reader, thread.place) ? '1' : '0')).join('');
  return `${posts}.${threads}`;
}
