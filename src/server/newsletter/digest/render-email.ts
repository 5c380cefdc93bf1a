/**
 * One reader's digest email. Deterministic: the same plan, reader and links give the
 * same bytes (no clock, no randomness), so a batch retried after a crash sends exactly
 * what the first attempt would have, and readers of one segment can share a rendering.
 */
import type { Reader } from '../../access/can-read.ts';
import { digestEmail } from '../../mail/templates/digest.ts';
import type { DigestPlan } from './plan.ts';
import { readerDigest, type PostHeading } from './reader-view.ts';

export interface DigestEmailLinks {
  campaignId: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

export function renderDigestEmail(plan: DigestPlan, reader: Reader, links: DigestEmailLinks): { subject: string; html: string; text: string } {
  const siteUrl = plan.siteUrl.replace(/\/+$/, '');
  return digestEmail(readerDigest(plan, reader), {
    upgrade: (post, tier) => upgradeUrl(siteUrl, post, tier, links.campaignId),
    signIn: (post) => `${siteUrl}/signin?${new URLSearchParams({ next: postPath(post) })}`,
    preferencesUrl: links.preferencesUrl,
    unsubscribeUrl: links.unsubscribeUrl,
  });
}

/** Checkout for the tier that unlocks the post, carrying the campaign so a conversion is credited to it. */
export function upgradeUrl(siteUrl: string, post: PostHeading, tier: { id: string } | undefined, campaignId: string): string {
  const query = new URLSearchParams({ ...(tier ? { tier: tier.id } : {}), from: postPath(post), campaign: campaignId });
  return `${siteUrl.replace(/\/+$/, '')}/join?${query}`;
}

function postPath(post: PostHeading): string {
  return `/posts/${post.slug}`;
}
