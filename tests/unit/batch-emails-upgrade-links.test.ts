/**
 * The upgrade buttons of a sent digest are each recipient's own: signed for that member
 * and the tier that unlocks the post, so /join can start Checkout for them without a
 * sign-in email. Two readers of one segment share a rendering but never a link.
 */
import { describe, expect, it } from 'vitest';
import { batchEmails } from '../../src/server/newsletter/batch-emails.ts';
import { checkUpgradeLink } from '../../src/server/newsletter/upgrade-link.ts';
import { digestPlanFixture } from '../support/digest-plan-fixture.ts';

const secret = 'a-test-secret-that-is-long-enough-to-use';
const campaignId = 'campaign2abc';
const plan = digestPlanFixture();
const free = { role: 'member' as const, tiers: [] };
const sends = [
  { id: 's1', memberId: 'robin2', email: 'robin@example.com', idempotencyKey: 'k1', reader: free },
  { id: 's2', memberId: 'sparrow3', email: 'sparrow@example.com', idempotencyKey: 'k2', reader: free },
];

/** The query of every upgrade link for `tier` in a text part. */
function upgradeLinks(text: string, tier: string): URLSearchParams[] {
  return [...text.matchAll(/https:\/\/hedgerow\.example\/join\?\S+/g)]
    .map((match) => new URL(match[0]).searchParams)
    .filter((query) => query.get('tier') === tier);
}

describe('upgrade links in a digest batch', () => {
  const emails = batchEmails({ campaignId, kind: 'digest', plan, sends, secret });

  it('carry each recipient’s own signed link, valid for the tier that unlocks the post', () => {
    for (const [index, email] of emails.entries()) {
      const links = upgradeLinks(email.text, 'naturalist');
      expect(links.length).toBeGreaterThan(0);
      for (const query of links) {
        expect(query.get('for')).toBe(sends[index]?.memberId);
        expect(query.get('campaign')).toBe(campaignId);
        const checked = checkUpgradeLink(query, { tierId: 'naturalist', campaignId }, secret, new Date(plan.until));
        expect(checked).toMatchObject({ ok: true, grant: { memberId: sends[index]?.memberId } });
      }
      // The HTML's buttons are the same personal links, escaped.
      expect(email.html).toContain(`for=${sends[index]?.memberId}&amp;until=`);
    }
  });

  it('never give one recipient a link that pays for the other', () => {
    expect(emails[0]?.html).not.toContain(`for=${sends[1]?.memberId}`);
    expect(emails[1]?.text).not.toContain(`for=${sends[0]?.memberId}`);
  });
});
