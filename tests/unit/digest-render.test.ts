import { describe, expect, it } from 'vitest';
import type { Reader } from '../../src/server/access/can-read.ts';
import { renderDigestEmail } from '../../src/server/newsletter/digest/render-email.ts';
import { fixturePlan, links, posts, settings } from './digest-fixture.ts';

const free: Reader = { role: 'member', tiers: [] };
const naturalist: Reader = { role: 'member', tiers: ['naturalist'] };

function preheader(html: string): string {
  return /<div class="preheader"[^>]*>([\s\S]*?)&#847;/.exec(html)?.[1] ?? '';
}

describe('the digest email', () => {
  const plan = fixturePlan();

  it('is deterministic: the same plan, reader and links give the same bytes', () => {
    const first = renderDigestEmail(plan, free, links);
    const again = renderDigestEmail(structuredClone(plan), { role: 'member', tiers: [] }, { ...links });
    expect(again).toEqual(first);
    expect(renderDigestEmail(plan, free, { ...links, campaignId: 'other' }).html).not.toBe(first.html);
  });

  it('has the plan’s subject, and the note as preheader (else the first title)', () => {
    const email = renderDigestEmail(plan, free, links);
    expect(email.subject).toBe(plan.subject);
    expect(preheader(email.html)).toBe('Frost at last: go out early.');
    const { note: _note, ...withoutNote } = plan;
    expect(preheader(renderDigestEmail(withoutNote, free, links).html)).toBe('Title of paid-summary');
  });

  it('links upgrade buttons to checkout for the cheapest tier, from the post, carrying the campaign', () => {
    const email = renderDigestEmail(plan, free, links);
    const join = 'https://hedgerow.example/join?tier=naturalist&amp;from=%2Fposts%2Fpaid-clinic&amp;campaign=cmp123';
    expect(email.html).toContain(`href="${join}"`);
    expect(email.html).toContain('>Upgrade to Naturalist</a>');
    expect(email.text).toContain('Upgrade to Naturalist: https://hedgerow.example/join?tier=naturalist&from=%2Fposts%2Fpaid-clinic&campaign=cmp123');
    expect(email.text).toContain('https://hedgerow.example/join?tier=patron&from=%2Fposts%2Fpatron-report&campaign=cmp123');
  });

  it('gives an entitled member the body in full and a link to read the rest on the site', () => {
    const email = renderDigestEmail(plan, naturalist, links);
    expect(email.text).toContain('Teaser of paid-clinic.');
    expect(email.text).toContain('## More');
    expect(email.text).toContain('Read the post: https://hedgerow.example/posts/paid-summary');
    expect(email.html).not.toContain('Upgrade to Naturalist');
  });

  it('says why the reader gets it, with preferences, unsubscribe and the postal address', () => {
    const email = renderDigestEmail(plan, free, links);
    for (const part of [email.html, email.text]) {
      expect(part).toContain('You subscribed to The Hedgerow Weekly');
      expect(part).toContain('The Old Forge, Little Ashby');
    }
    expect(email.html).toContain('href="https://hedgerow.example/unsubscribe?token=p-tok&amp;view=preferences"');
    expect(email.html).toContain('href="https://hedgerow.example/unsubscribe?token=u-tok"');
    expect(email.text).toContain('Unsubscribe: https://hedgerow.example/unsubscribe?token=u-tok');
    expect(email.html).toContain('href="https://hedgerow.example/newsletter"');
    expect(email.text).toContain('Past issues: https://hedgerow.example/newsletter');
    expect(email.text).toContain('Email preferences: https://hedgerow.example/unsubscribe?token=p-tok&view=preferences');
  });

  it('lists the threads the reader may see, with their replies and people', () => {
    const email = renderDigestEmail(plan, free, links);
    expect(email.text).toContain('- Frosty webs\n  9 replies from 4 people, in Field notes\n  https://hedgerow.example/t/th-open');
    expect(email.html).toContain('>Frosty webs</a>');
    expect(email.html).not.toContain('Secret planning thread');
  });

  it('escapes every value: a title, a note or a name cannot add markup', () => {
    const hostile = '<script>alert(1)</script> & "Friends"';
    const hostilePosts = posts.map((post) => (post.slug === 'paid-clinic' ? { ...post, title: hostile, description: hostile } : post));
    const hostilePlan = fixturePlan({
      posts: hostilePosts,
      settings: { ...settings, name: hostile, digest: { ...settings.digest, note: hostile } },
      site: { name: hostile, postalAddress: hostile, language: 'en' },
    });
    const email = renderDigestEmail(hostilePlan, free, links);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Friends&quot;');
    // Text is text: the same words, unescaped.
    expect(email.text).toContain(hostile);
  });

  it('refuses a link that is not a web address', () => {
    expect(() => renderDigestEmail(plan, free, { ...links, unsubscribeUrl: 'javascript:alert(1)' })).toThrow(/http\(s\) URL/);
  });
});
