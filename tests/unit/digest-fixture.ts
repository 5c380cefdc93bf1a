/**
 * A small community for the digest tests: two tiers (and an archived one), posts of every
 * kind of access, threads in open and gated places, and a canary sentence in the gated
 * body of each paid post.
 */
import type { NewsletterSettings } from '../../src/schemas/newsletter.ts';
import type { Tier } from '../../src/schemas/tier.ts';
import { composePlan, type DigestCandidate } from '../../src/server/newsletter/digest/compose-plan.ts';
import type { DigestPlan, DigestThread } from '../../src/server/newsletter/digest/plan.ts';

export const CANARY = 'Sundew canary 7c2f lives only behind the paywall';
export const siteUrl = 'https://hedgerow.example';

const tier = (id: string, name: string, monthly: number, visibility: Tier['visibility'] = 'public'): Tier => ({
  id,
  name,
  description: `${name} tier.`,
  benefits: [],
  prices: { monthly },
  currency: 'gbp',
  trialDays: 0,
  allowPromotionCodes: false,
  founding: false,
  visibility,
});

/** Cheapest first would be "old" (archived, so never offered), then naturalist, then patron. */
export const tiers: Tier[] = [tier('patron', 'Field Patron', 1500), tier('naturalist', 'Naturalist', 600), tier('old', 'Old Friends', 100, 'archived')];

export const settings: NewsletterSettings = {
  name: 'The Hedgerow Weekly',
  sender: { name: 'Wren at The Hedgerow', address: 'letters@hedgerow.example' },
  replyTo: 'wren@hedgerow.example',
  schedule: { every: 'week', day: 'monday', time: '09:00', timeZone: 'Europe/London' },
  digest: { newPosts: true, topThreads: 3, note: 'Frost at last: go out early.' },
  subject: '{name}: {topPost}',
};

export const site = { name: 'The Hedgerow', postalAddress: 'The Old Forge, Little Ashby', language: 'en' };

export const since = new Date('2026-11-16T09:00:00Z');
export const until = new Date('2026-11-23T09:00:00Z');

const post = (slug: string, date: string, access: DigestCandidate['access'], newsletter: DigestCandidate['newsletter'] = true, draft = false): DigestCandidate => ({
  slug,
  title: `Title of ${slug}`,
  description: `Description of ${slug}.`,
  date: new Date(`${date}T00:00:00Z`),
  access,
  newsletter,
  draft,
});

export const posts: DigestCandidate[] = [
  post('frost-walk', '2026-11-19', 'public', 'full'),
  post('paid-clinic', '2026-11-18', 'paid', 'full'),
  post('patron-report', '2026-11-20', ['patron'], 'full'),
  post('members-owls', '2026-11-17', 'members', 'summary'),
  post('paid-summary', '2026-11-21', 'paid', true),
];

const marker = '<!--coterie:paywall-->';
const gated = (slug: string) => `<p>Teaser of ${slug}.</p>${marker}<h2 id="more">More</h2><p>${CANARY} in ${slug}.</p>`;

export const bodies = new Map<string, string>([
  ['frost-walk', '<p>The whole frost walk, with <a href="/posts/owls">a link</a>.</p>'],
  ['paid-clinic', gated('paid-clinic')],
  ['patron-report', gated('patron-report')],
  ['members-owls', `<p>Owls for members.</p>${marker}<p>${CANARY} in members-owls.</p>`],
  ['paid-summary', gated('paid-summary')],
]);

export const threads: DigestThread[] = [
  { id: 'th-open', title: 'Frosty webs', url: `${siteUrl}/t/th-open`, place: { kind: 'space', id: 'field-notes', name: 'Field notes', read: 'public', post: 'members' }, replies: 9, participants: 4 },
  { id: 'th-patron', title: 'Secret planning thread', url: `${siteUrl}/t/th-patron`, place: { kind: 'space', id: 'planning-table', name: 'The planning table', read: ['patron'], post: ['patron'] }, replies: 5, participants: 2 },
  { id: 'th-paid-post', title: 'Title of paid-clinic', url: `${siteUrl}/posts/paid-clinic/discussion`, place: { kind: 'post', slug: 'paid-clinic', title: 'Title of paid-clinic', access: 'paid' }, replies: 2, participants: 2 },
];

export function fixturePlan(overrides: Partial<Parameters<typeof composePlan>[0]> = {}): DigestPlan {
  return composePlan({ settings, site, siteUrl, tiers, since, until, posts, bodies, threads, ...overrides });
}

export const links = { campaignId: 'cmp123', unsubscribeUrl: `${siteUrl}/unsubscribe?token=u-tok`, preferencesUrl: `${siteUrl}/unsubscribe?token=p-tok&view=preferences` };
