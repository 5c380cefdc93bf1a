/**
 * A digest as composed, before anyone's access is applied: frozen as JSON on its
 * campaign, so every batch of the campaign, every retry after a crash and the archive
 * page render from the same content even if the posts change afterwards.
 *
 * It holds gated bodies (`fullHtml`); it lives in the database and is only ever shown
 * through `reader-view.ts`, which asks `canRead` for each item.
 */
import type { Access } from '../../../schemas/access.ts';
import type { Place } from '../../discussions/place-access.ts';

export interface DigestPlan {
  version: 1;
  /** The newsletter's name from newsletter.yaml, e.g. "The Hedgerow Weekly". */
  newsletterName: string;
  siteName: string;
  /** The site address every link is built on (SITE_URL when set). */
  siteUrl: string;
  /** `Name <address>` for the From header. */
  from: string;
  replyTo?: string;
  /** From site.yaml, for the footer. */
  postalAddress: string;
  /** Rendered from newsletter.yaml's subject template. */
  subject: string;
  /** The period the digest covers (ISO instants): what is new since the last digest. */
  since: string;
  until: string;
  /** A line from the creator, when newsletter.yaml gives one. */
  note?: string;
  /** The site's language (BCP 47), for the dates the email prints; English when absent. */
  language?: string;
  /** The schedule's time zone, for the dates the email prints; UTC when absent. */
  timeZone?: string;
  posts: DigestPost[];
  threads: DigestThread[];
}

export interface DigestPost {
  slug: string;
  title: string;
  description: string;
  /** ISO date of publication. */
  date: string;
  /** Absolute URL of the post. */
  url: string;
  access: Access;
  /** 'full': readers who may read it get the whole body in the email; 'summary': a link. */
  delivery: 'full' | 'summary';
  /** Email-safe HTML and text of what anyone may see: the part before `<Paywall />`, or the description. */
  teaserHtml: string;
  teaserText: string;
  /** The whole body, email-safe; present only with delivery 'full'. Gated: show only when canRead allows. */
  fullHtml?: string;
  fullText?: string;
  /** The cheapest tier that unlocks the post, for the upgrade button; absent for public and members posts. */
  unlockTier?: { id: string; name: string };
}

export interface DigestThread {
  id: string;
  title: string;
  /** Absolute URL of the thread. */
  url: string;
  /** Where it lives; readers who cannot read the place never see the thread. */
  place: Place;
  /** Replies in the digest's period, and people who took part. */
  replies: number;
  participants: number;
}
