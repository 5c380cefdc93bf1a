import { describe, expect, it } from 'vitest';
import type { Reader } from '../../src/server/access/can-read.ts';
import { previewReaders } from '../../src/server/newsletter/digest/preview-readers.ts';
import { readerDigest, readerSegment } from '../../src/server/newsletter/digest/reader-view.ts';
import { renderDigestEmail } from '../../src/server/newsletter/digest/render-email.ts';
import { CANARY, fixturePlan, links, tiers } from './digest-fixture.ts';

const plan = fixturePlan();

const readers = {
  stranger: null,
  free: { role: 'member', tiers: [] },
  naturalist: { role: 'member', tiers: ['naturalist'] },
  patron: { role: 'member', tiers: ['patron'] },
  both: { role: 'member', tiers: ['naturalist', 'patron'] },
  moderator: { role: 'moderator', tiers: [] },
  owner: { role: 'owner', tiers: [] },
} satisfies Record<string, Reader>;

/** slug → what the reader gets, in plan order. */
function shows(reader: Reader): Record<string, string> {
  return Object.fromEntries(readerDigest(plan, reader).posts.map((item) => [item.post.slug, item.show]));
}

describe('what each reader sees of a digest', () => {
  it('a free subscriber: public in full, members summarised, paid and tier posts teased with an upgrade', () => {
    expect(shows(readers.free)).toEqual({
      'paid-summary': 'upgrade',
      'patron-report': 'upgrade',
      'frost-walk': 'full',
      'paid-clinic': 'upgrade',
      'members-owls': 'summary',
    });
  });

  it('someone not signed in (the archive): members posts ask them to sign in', () => {
    expect(shows(null)['members-owls']).toBe('sign_in');
    expect(shows(null)['paid-clinic']).toBe('upgrade');
  });

  it('a paying member gets paid posts in full or summarised by their flag, but not another tier’s post', () => {
    expect(shows(readers.naturalist)).toEqual({
      'paid-summary': 'summary',
      'patron-report': 'upgrade',
      'frost-walk': 'full',
      'paid-clinic': 'full',
      'members-owls': 'summary',
    });
    expect(shows(readers.patron)['patron-report']).toBe('full');
  });

  it('staff read everything', () => {
    for (const reader of [readers.owner, readers.moderator]) {
      expect(Object.values(shows(reader))).toEqual(['summary', 'full', 'full', 'full', 'summary']);
    }
  });

  it('offers the cheapest tier that unlocks the post', () => {
    const upgrades = readerDigest(plan, readers.free).posts.flatMap((item) => (item.show === 'upgrade' ? [[item.post.slug, item.tier?.id]] : []));
    expect(upgrades).toEqual([
      ['paid-summary', 'naturalist'],
      ['patron-report', 'patron'],
      ['paid-clinic', 'naturalist'],
    ]);
  });

  it('shows threads only where the reader can read their place', () => {
    const threadIds = (reader: Reader) => readerDigest(plan, reader).threads.map((thread) => thread.id);
    expect(threadIds(null)).toEqual(['th-open']);
    expect(threadIds(readers.free)).toEqual(['th-open']);
    expect(threadIds(readers.naturalist)).toEqual(['th-open', 'th-paid-post']);
    expect(threadIds(readers.patron)).toEqual(['th-open', 'th-patron', 'th-paid-post']);
    expect(threadIds(readers.owner)).toEqual(['th-open', 'th-patron', 'th-paid-post']);
  });

  it('never copies a gated body into the view of someone who may not read it', () => {
    for (const reader of [null, readers.free]) {
      const view = JSON.stringify(readerDigest(plan, reader));
      expect(view).not.toContain(CANARY);
      expect(view).not.toContain('fullHtml');
    }
    expect(JSON.stringify(readerDigest(plan, readers.naturalist))).toContain(`${CANARY} in paid-clinic`);
  });
});

describe('segments', () => {
  const everyone: Reader[] = [...Object.values(readers), ...previewReaders(tiers).map((preview) => preview.reader)];

  it('spells the view: a letter per post and a digit per thread', () => {
    expect(readerSegment(plan, readers.free)).toBe('TTFTS.100');
    expect(readerSegment(plan, readers.naturalist)).toBe('STFFS.101');
    expect(readerSegment(plan, null)).toBe('TTFTM.100');
  });

  it('are equal exactly when the views are, and then the emails are byte for byte the same', () => {
    for (const a of everyone) {
      for (const b of everyone) {
        const sameView = JSON.stringify(readerDigest(plan, a)) === JSON.stringify(readerDigest(plan, b));
        expect(readerSegment(plan, a) === readerSegment(plan, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(sameView);
        if (sameView) expect(renderDigestEmail(plan, a, links)).toEqual(renderDigestEmail(plan, b, links));
      }
    }
    // Not a vacuous check: some readers share a view, some do not.
    const keys = new Set(everyone.map((reader) => readerSegment(plan, reader)));
    expect(keys.size).toBeGreaterThan(2);
    expect(keys.size).toBeLessThan(everyone.length);
  });
});

describe('preview readers', () => {
  it('are a free subscriber, a member of each tier, and the owner', () => {
    expect(previewReaders(tiers).map(({ id, label, reader }) => ({ id, label, reader }))).toEqual([
      { id: 'free', label: 'Free subscriber', reader: { role: 'member', tiers: [] } },
      { id: 'tier:patron', label: 'Field Patron member', reader: { role: 'member', tiers: ['patron'] } },
      { id: 'tier:naturalist', label: 'Naturalist member', reader: { role: 'member', tiers: ['naturalist'] } },
      { id: 'tier:old', label: 'Old Friends member', reader: { role: 'member', tiers: ['old'] } },
      { id: 'staff', label: 'Owner (sees everything)', reader: { role: 'owner', tiers: [] } },
    ]);
  });
});
