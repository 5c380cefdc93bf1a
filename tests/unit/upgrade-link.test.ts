import { describe, expect, it } from 'vitest';
import { checkUpgradeLink, upgradeLinkParams, upgradeLinksUntil, type UpgradeGrant } from '../../src/server/newsletter/upgrade-link.ts';

const secret = 'a-test-secret-that-is-long-enough-to-use';
const now = new Date('2026-11-20T12:00:00Z');
const grant: UpgradeGrant = { memberId: 'member2abc', tierId: 'naturalist', campaignId: 'campaignxyz', until: upgradeLinksUntil(new Date('2026-11-16T09:00:00Z')) };
const asked = { tierId: grant.tierId, campaignId: grant.campaignId };
const params = () => upgradeLinkParams(grant, secret);

describe('a digest recipient’s own upgrade link', () => {
  it('is authentic for its member, tier and campaign until it expires, 30 days after the digest’s period', () => {
    expect(grant.until * 1000 - new Date('2026-11-16T09:00:00Z').getTime()).toBe(30 * 24 * 60 * 60 * 1000);
    expect(checkUpgradeLink(params(), asked, secret, now)).toEqual({ ok: true, grant });
  });

  it('is the same link every time it is made (a re-rendered batch is byte for byte the same)', () => {
    expect(params().toString()).toBe(upgradeLinkParams(grant, secret).toString());
  });

  it('is refused for another tier, another campaign, another member or another expiry', () => {
    expect(checkUpgradeLink(params(), { ...asked, tierId: 'patron' }, secret, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkUpgradeLink(params(), { ...asked, campaignId: 'othercampaign' }, secret, now)).toEqual({ ok: false, reason: 'invalid' });
    const otherMember = params();
    otherMember.set('for', 'member2abd');
    expect(checkUpgradeLink(otherMember, asked, secret, now)).toEqual({ ok: false, reason: 'invalid' });
    const later = params();
    later.set('until', String(grant.until + 86_400));
    expect(checkUpgradeLink(later, asked, secret, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('is refused when signed with another secret, or with a signature spelled differently', () => {
    expect(checkUpgradeLink(upgradeLinkParams(grant, `${secret}-other`), asked, secret, now)).toEqual({ ok: false, reason: 'invalid' });
    const tampered = params();
    const sig = tampered.get('sig') ?? '';
    tampered.set('sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
    expect(checkUpgradeLink(tampered, asked, secret, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says expired, not invalid, for an authentic link past its time', () => {
    expect(checkUpgradeLink(params(), asked, secret, new Date(grant.until * 1000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('is absent when none of its parts is given, and invalid when only some are', () => {
    expect(checkUpgradeLink(new URLSearchParams(), asked, secret, now)).toEqual({ ok: false, reason: 'absent' });
    expect(checkUpgradeLink(new URLSearchParams({ for: grant.memberId }), asked, secret, now)).toEqual({ ok: false, reason: 'invalid' });
  });
});
