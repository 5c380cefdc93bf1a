/**
 * The gated body of a post must reach no one who may not read it: not in the HTML, not
 * in the plain text, not in the preheader. The entitled controls make sure the canary
 * really is in the plan and in their emails, so these tests can fail.
 */
import { describe, expect, it } from 'vitest';
import type { Reader } from '../../src/server/access/can-read.ts';
import type { DigestThread } from '../../src/server/newsletter/digest/plan.ts';
import { renderDigestEmail } from '../../src/server/newsletter/digest/render-email.ts';
import { CANARY, fixturePlan, links, threads } from './digest-fixture.ts';

const plan = fixturePlan();
const gatedSpaceThread = 'Secret planning thread';
const paidBody = `${CANARY} in paid-clinic`;
const patronBody = `${CANARY} in patron-report`;

const email = (reader: Reader) => {
  const rendered = renderDigestEmail(plan, reader, links);
  return { html: rendered.html, text: rendered.text, both: `${rendered.subject}\n${rendered.html}\n${rendered.text}` };
};

describe('no gated words in a digest for readers who may not read them', () => {
  it('the plan carries the canary in the full bodies of the paid and the patron post (the control)', () => {
    for (const slug of ['paid-clinic', 'patron-report']) {
      const post = plan.posts.find((found) => found.slug === slug);
      expect(post?.fullHtml).toContain(`${CANARY} in ${slug}`);
      expect(post?.fullText).toContain(`${CANARY} in ${slug}`);
    }
  });

  it.each<[string, Reader]>([
    ['someone not signed in', null],
    ['a free member', { role: 'member', tiers: [] }],
  ])('%s gets no gated words at all, in the HTML or the text, only teasers and the way in', (_, reader) => {
    const { html, text, both } = email(reader);
    expect(both).not.toContain(CANARY);
    expect(text).toContain('Teaser of paid-clinic.');
    expect(html).toContain('/join?tier=naturalist');
  });

  it.each<[string, Reader]>([
    ['someone not signed in', null],
    ['a free member', { role: 'member', tiers: [] }],
    ['a paying member of another tier', { role: 'member', tiers: ['naturalist'] }],
  ])('%s sees no thread of a patron-only space', (_, reader) => {
    const { both } = email(reader);
    expect(both).not.toContain(gatedSpaceThread);
    expect(both).not.toContain('/t/th-patron');
  });

  it('a member of the wrong tier gets the paid body (any tier unlocks "paid") but not the patron-only one', () => {
    const { html, text } = email({ role: 'member', tiers: ['naturalist'] });
    expect(html).toContain(paidBody);
    expect(text).toContain(paidBody);
    expect(html).not.toContain(patronBody);
    expect(text).not.toContain(patronBody);
    expect(text).toContain('Upgrade to Field Patron: https://hedgerow.example/join?tier=patron');
  });

  it('the entitled patron gets the patron body and thread, in the HTML and the text', () => {
    const { html, text } = email({ role: 'member', tiers: ['patron'] });
    expect(html).toContain(patronBody);
    expect(text).toContain(patronBody);
    expect(text).toContain(gatedSpaceThread);
  });

  it('a post marked summary never carries its gated body, even to those who may read it', () => {
    expect(email({ role: 'owner', tiers: [] }).both).not.toContain(`${CANARY} in paid-summary`);
  });
});

describe('no gated thread title in the subject or preheader of a digest with no new post', () => {
  const [open, patron, paidPost] = threads as [DigestThread, DigestThread, DigestThread];
  // The busiest threads are in places a stranger cannot read: the patron-only space first.
  const gatedFirst = fixturePlan({ posts: [], threads: [patron, paidPost, open] });
  const onlyGated = fixturePlan({ posts: [], threads: [patron, paidPost] });

  it('the subject names the busiest thread a stranger may read, past busier gated ones', () => {
    expect(gatedFirst.subject).toBe('The Hedgerow Weekly: Frosty webs');
  });

  it('with only gated threads, the subject falls back to the digest’s date', () => {
    expect(onlyGated.subject).toBe('The Hedgerow Weekly: November 23, 2026');
    expect(onlyGated.subject).not.toContain(gatedSpaceThread);
    expect(onlyGated.subject).not.toContain('Title of paid-clinic');
  });

  it.each<[string, Reader]>([
    ['someone not signed in', null],
    ['a free member', { role: 'member', tiers: [] }],
    ['a paying member of another tier', { role: 'member', tiers: ['naturalist'] }],
  ])('%s finds the patron thread in neither the subject nor the preheader', (_, reader) => {
    const rendered = renderDigestEmail(onlyGated, reader, links);
    expect(rendered.subject).not.toContain(gatedSpaceThread);
    expect(rendered.html).not.toContain(gatedSpaceThread);
    expect(rendered.text).not.toContain(gatedSpaceThread);
  });

  it('the patron still finds the thread in the body (the control)', () => {
    expect(renderDigestEmail(onlyGated, { role: 'member', tiers: ['patron'] }, links).text).toContain(gatedSpaceThread);
  });
});
