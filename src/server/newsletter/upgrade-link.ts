/**
 * A digest recipient's own upgrade link: `/join?tier=…&from=…&campaign=…` plus `for`
 * (the member), `until` (when it stops working) and `sig`, an HMAC-SHA256 of the four
 * under the server secret. With it, /join starts Checkout for that member's address
 * without a sign-in email first. It signs nobody in: it only lets its holder pay for
 * that tier, for that member, until it expires. Deterministic (the expiry comes from the
 * digest, not the clock), so a batch re-rendered after a crash is byte for byte the same.
 * Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UpgradeGrant {
  memberId: string;
  tierId: string;
  /** The campaign the link came in; '' when none. */
  campaignId: string;
  /** Whole seconds since the epoch, UTC. */
  until: number;
}

/** How long a digest's upgrade links work, counted from the end of the period it covers. */
export const upgradeLinkDays = 30;

// Bound into the MAC: a signature made with this secret for another purpose never passes here.
const purpose = 'coterie:newsletter:upgrade:v1';
const idPattern = /^[a-z0-9]{1,64}$/;
const campaignPattern = /^[a-z0-9]{0,64}$/;
const tierPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const untilPattern = /^[0-9]{1,12}$/;
const sigPattern = /^[A-Za-z0-9_-]{43}$/;

function signature(grant: UpgradeGrant, secret: string): string {
  // None of the parts can hold a newline (their patterns), so no two grants sign alike.
  return createHmac('sha256', secret).update([purpose, grant.memberId, grant.tierId, grant.campaignId, String(grant.until)].join('\n')).digest('base64url');
}

/** When the upgrade links of a digest covering a period up to `periodEnd` expire. */
export function upgradeLinksUntil(periodEnd: Date): number {
  return Math.floor(periodEnd.getTime() / 1000) + upgradeLinkDays * 24 * 60 * 60;
}

/** The query parameters that make an upgrade link personal. */
export function upgradeLinkParams(grant: UpgradeGrant, secret: string): URLSearchParams {
  if (!idPattern.test(grant.memberId) || !tierPattern.test(grant.tierId) || !campaignPattern.test(grant.campaignId)) {
    throw new Error(`upgradeLinkParams: not a link we make (${JSON.stringify(grant)}).`);
  }
  return new URLSearchParams({ for: grant.memberId, until: String(grant.until), sig: signature(grant, secret) });
}

export type UpgradeLinkCheck =
  | { ok: true; grant: UpgradeGrant }
  | { ok: false; reason: 'absent' | 'invalid' | 'expired' };

/**
 * Reads `for`, `until` and `sig` (from a query or a form) with the tier and campaign the
 * page was asked for. A link for another tier, member or campaign, or edited in any way,
 * is invalid; an authentic one past its time is expired.
 */
export function checkUpgradeLink(
  source: { get(name: string): unknown },
  asked: { tierId: string; campaignId: string },
  secret: string,
  now: Date,
): UpgradeLinkCheck {
  const text = (name: string) => {
    const value = source.get(name);
    return typeof value === 'string' ? value : '';
  };
  const memberId = text('for');
  const until = text('until');
  const sig = text('sig');
  if (memberId === '' && until === '' && sig === '') return { ok: false, reason: 'absent' };
  if (!idPattern.test(memberId) || !untilPattern.test(until) || !sigPattern.test(sig)) return { ok: false, reason: 'invalid' };
  if (!tierPattern.test(asked.tierId) || !campaignPattern.test(asked.campaignId)) return { ok: false, reason: 'invalid' };
  const grant: UpgradeGrant = { memberId, tierId: asked.tierId, campaignId: asked.campaignId, until: Number(until) };
  // Compared as text: base64url's last character has spare bits, so decoding would accept several spellings.
  const given = Buffer.from(sig);
  const expected = Buffer.from(signature(grant, secret));
  // constant-time: a plain === leaks how much of a forged signature is right through timing
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  if (now.getTime() >= grant.until * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, grant };
}
