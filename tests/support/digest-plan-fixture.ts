/**
 * A digest plan as composition would freeze it: a public post, a paid post delivered in
 * full (whose body carries a canary sentence only entitled readers may ever receive), a
 * members post, and threads in an open and a paid space.
 */
import type { DigestPlan } from '../../src/server/newsletter/digest/plan.ts';

export const paidCanary = 'The heron keeps its counsel by the millpond at dawn.';

export function digestPlanFixture(overrides: Partial<DigestPlan> = {}): DigestPlan {
  const siteUrl = overrides.siteUrl ?? 'https://hedgerow.example';
  return {
    version: 1,
    newsletterName: 'The Hedgerow Weekly',
    siteName: 'The Hedgerow',
    siteUrl,
    from: 'Wren at The Hedgerow <letters@hedgerow.example>',
    replyTo: 'wren@hedgerow.example',
    postalAddress: 'The Old Forge, 4 Mill Lane, Little Ashby',
    subject: 'The Hedgerow Weekly: Owl pellets, opened',
    since: '2026-11-16T09:00:00.000Z',
    until: '2026-11-23T09:00:00.000Z',
    note: 'Frost on the teasels this week.',
    posts: [
      {
        slug: 'owl-pellets',
        title: 'Owl pellets, opened',
        description: 'What a barn owl ate last week.',
        date: '2026-11-20',
        url: `${siteUrl}/posts/owl-pellets`,
        access: ['naturalist'],
        delivery: 'full',
        teaserHtml: '<p style="margin:0">Every pellet is a week of dinners.</p>',
        teaserText: 'Every pellet is a week of dinners.',
        fullHtml: `<p style="margin:0">Every pellet is a week of dinners.</p><p style="margin:0">${paidCanary}</p>`,
        fullText: `Every pellet is a week of dinners.\n\n${paidCanary}`,
        unlockTier: { id: 'naturalist', name: 'Naturalist' },
      },
      {
        slug: 'first-frost',
        title: 'First frost walk',
        description: 'A morning among the rimed teasels.',
        date: '2026-11-18',
        url: `${siteUrl}/posts/first-frost`,
        access: 'public',
        delivery: 'summary',
        teaserHtml: '<p style="margin:0">A morning among the rimed teasels.</p>',
        teaserText: 'A morning among the rimed teasels.',
      },
    ],
    threads: [
      {
        id: 'thread-open',
        title: 'What is in your moth trap?',
        url: `${siteUrl}/t/thread-open`,
        place: { kind: 'space', id: 'field-notes', name: 'Field notes', read: 'members', post: 'members' },
        replies: 12,
        participants: 5,
      },
      {
        id: 'thread-paid',
        title: 'Patrons: the secret heronry',
        url: `${siteUrl}/t/thread-paid`,
        place: { kind: 'space', id: 'patrons', name: 'Patrons', read: ['patron'], post: ['patron'] },
        replies: 4,
        participants: 2,
      },
    ],
    ...overrides,
  };
}
