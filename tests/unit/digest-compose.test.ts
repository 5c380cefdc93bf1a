import { describe, expect, it } from 'vitest';
import { composePlan, deliveryOf, digestPeriodEmpty, firstDigestSince, needsRenderedBody, selectDigestPosts, type DigestCandidate } from '../../src/server/newsletter/digest/compose-plan.ts';
import { cheapestUnlockingTier } from '../../src/server/newsletter/digest/unlock-tier.ts';
import { bodies, CANARY, fixturePlan, posts, settings, since, site, siteUrl, threads, tiers, until } from './digest-fixture.ts';

const candidate = (slug: string, date: string, extra: Partial<DigestCandidate> = {}): DigestCandidate => ({
  slug,
  title: slug,
  description: `${slug}.`,
  date: new Date(date),
  access: 'public',
  newsletter: true,
  draft: false,
  ...extra,
});

describe('choosing the posts of a period', () => {
  it('takes (since, until]: not the post at `since`, the post at `until`, nothing after', () => {
    const chosen = selectDigestPosts(
      [
        candidate('at-since', '2026-11-16T09:00:00Z'),
        candidate('just-after', '2026-11-16T09:00:01Z'),
        candidate('at-until', '2026-11-23T09:00:00Z'),
        candidate('future', '2026-11-23T09:00:01Z'),
        candidate('long-ago', '2026-01-01T00:00:00Z'),
      ],
      { since, until },
    );
    expect(chosen.map((post) => post.slug)).toEqual(['at-until', 'just-after']);
  });

  it('leaves out drafts and posts marked newsletter: false; keeps true, summary and full', () => {
    const chosen = selectDigestPosts(
      [
        candidate('draft', '2026-11-18T00:00:00Z', { draft: true }),
        candidate('left-out', '2026-11-18T00:00:00Z', { newsletter: false }),
        candidate('yes', '2026-11-18T00:00:00Z', { newsletter: true }),
        candidate('summary', '2026-11-19T00:00:00Z', { newsletter: 'summary' }),
        candidate('full', '2026-11-20T00:00:00Z', { newsletter: 'full' }),
      ],
      { since, until },
    );
    expect(chosen.map((post) => post.slug)).toEqual(['full', 'summary', 'yes']);
  });

  it('orders newest first, then by slug for posts of the same day', () => {
    const chosen = selectDigestPosts([candidate('b', '2026-11-18T00:00:00Z'), candidate('c', '2026-11-20T00:00:00Z'), candidate('a', '2026-11-18T00:00:00Z')], { since, until });
    expect(chosen.map((post) => post.slug)).toEqual(['c', 'a', 'b']);
  });

  it('maps the newsletter flag to a delivery, and renders only what needs rendering', () => {
    expect([true, 'summary', 'full', false].map((flag) => deliveryOf(flag as DigestCandidate['newsletter']))).toEqual(['summary', 'summary', 'full', undefined]);
    expect(needsRenderedBody(candidate('public-summary', '2026-11-18T00:00:00Z'))).toBe(false);
    expect(needsRenderedBody(candidate('public-full', '2026-11-18T00:00:00Z', { newsletter: 'full' }))).toBe(true);
    expect(needsRenderedBody(candidate('gated', '2026-11-18T00:00:00Z', { access: 'members' }))).toBe(true);
  });
});

describe('the composed plan', () => {
  const plan = fixturePlan();

  it('carries the period, the settings and the site', () => {
    expect(plan).toMatchObject({
      version: 1,
      newsletterName: 'The Hedgerow Weekly',
      siteName: 'The Hedgerow',
      siteUrl,
      from: '"Wren at The Hedgerow" <letters@hedgerow.example>',
      replyTo: 'wren@hedgerow.example',
      postalAddress: 'The Old Forge, Little Ashby',
      since: '2026-11-16T09:00:00.000Z',
      until: '2026-11-23T09:00:00.000Z',
      note: 'Frost at last: go out early.',
      timeZone: 'Europe/London',
      language: 'en',
    });
    expect(plan.posts.map((post) => post.slug)).toEqual(['paid-summary', 'patron-report', 'frost-walk', 'paid-clinic', 'members-owls']);
  });

  it('fills the subject from the newest post', () => {
    expect(plan.subject).toBe('The Hedgerow Weekly: Title of paid-summary');
    expect(fixturePlan({ settings: { ...settings, subject: '{count} new on {date}' } }).subject).toBe('5 new on November 23, 2026');
    // No posts: the top thread names the digest.
    expect(fixturePlan({ posts: [] }).subject).toBe('The Hedgerow Weekly: Frosty webs');
  });

  it('cuts each gated post at its paywall for the teaser, and keeps the whole body only for delivery full', () => {
    const clinic = plan.posts.find((post) => post.slug === 'paid-clinic');
    expect(clinic?.delivery).toBe('full');
    expect(clinic?.teaserText).toBe('Teaser of paid-clinic.');
    expect(clinic?.teaserHtml).not.toContain(CANARY);
    expect(clinic?.fullText).toContain(CANARY);
    expect(clinic?.fullHtml).toContain('<h2 style=');

    const summary = plan.posts.find((post) => post.slug === 'paid-summary');
    expect(summary?.delivery).toBe('summary');
    expect(summary?.fullHtml).toBeUndefined();
    expect(summary?.fullText).toBeUndefined();
    expect(JSON.stringify(summary)).not.toContain(CANARY);
  });

  it('uses the description as the teaser of a public post, with the body made absolute for a full one', () => {
    const walk = plan.posts.find((post) => post.slug === 'frost-walk');
    expect(walk?.teaserText).toBe('Description of frost-walk.');
    expect(walk?.fullHtml).toContain('href="https://hedgerow.example/posts/owls"');
    expect(walk?.url).toBe('https://hedgerow.example/posts/frost-walk');
  });

  it('falls back to a summary when a full post could not be rendered', () => {
    const withoutBody = new Map(bodies);
    withoutBody.delete('frost-walk');
    const walk = fixturePlan({ bodies: withoutBody }).posts.find((post) => post.slug === 'frost-walk');
    expect(walk?.delivery).toBe('summary');
    expect(walk?.fullHtml).toBeUndefined();
  });

  it('offers the cheapest open tier that unlocks each post, and none for public or members posts', () => {
    const unlock = Object.fromEntries(plan.posts.map((post) => [post.slug, post.unlockTier?.id]));
    expect(unlock).toEqual({ 'paid-summary': 'naturalist', 'patron-report': 'patron', 'frost-walk': undefined, 'paid-clinic': 'naturalist', 'members-owls': undefined });
    expect(cheapestUnlockingTier(['old'], tiers)).toBeUndefined();
  });

  it('takes at most topThreads threads, and no posts when newPosts is off', () => {
    expect(fixturePlan({ settings: { ...settings, digest: { ...settings.digest, topThreads: 2 } } }).threads.map((thread) => thread.id)).toEqual(['th-open', 'th-patron']);
    const threadsOnly = fixturePlan({ settings: { ...settings, digest: { ...settings.digest, newPosts: false } } });
    expect(threadsOnly.posts).toEqual([]);
    expect(threadsOnly.threads).toHaveLength(3);
  });

  it('is empty only with neither posts nor threads', () => {
    expect(digestPeriodEmpty(plan)).toBe(false);
    expect(digestPeriodEmpty(fixturePlan({ posts: [] }))).toBe(false);
    expect(digestPeriodEmpty(fixturePlan({ threads: [] }))).toBe(false);
    expect(digestPeriodEmpty(composePlan({ settings, site, siteUrl, tiers, since, until, posts: [], bodies: new Map(), threads: [] }))).toBe(true);
  });

  it('reads the time zone as UTC when sending is not scheduled', () => {
    expect(fixturePlan({ settings: { ...settings, schedule: 'off' } }).timeZone).toBe('UTC');
    expect(posts).toHaveLength(5);
    expect(threads).toHaveLength(3);
  });
});

describe('the first digest', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  const post = (slug: string, date: string, extra: Partial<DigestCandidate> = {}): DigestCandidate => ({
    slug,
    title: slug,
    description: slug,
    date: new Date(date),
    access: 'public',
    newsletter: true,
    draft: false,
    ...extra,
  });

  it('reaches back to carry the three newest posts when the last week had fewer', () => {
    const posts = [post('a', '2026-01-01'), post('b', '2026-03-01'), post('c', '2026-05-01'), post('d', '2026-06-01'), post('left-out', '2026-07-01', { newsletter: false })];
    const since = firstDigestSince(posts, now);
    expect(selectDigestPosts(posts, { since, until: now }).map((candidate) => candidate.slug)).toEqual(['d', 'c', 'b']);
  });

  it('covers the past week when it holds three posts or more, or when there are no posts at all', () => {
    const posts = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-19'].map((date, index) => post(`p${index}`, date));
    expect(firstDigestSince(posts, now).toISOString()).toBe('2026-11-16T09:00:00.000Z');
    expect(firstDigestSince([], now).toISOString()).toBe('2026-11-16T09:00:00.000Z');
  });
});
