/**
 * The links in every newsletter email that let its reader leave: the preference page
 * (footer) and the RFC 8058 one-click address (`List-Unsubscribe` header). Both carry
 * the member, the campaign and an HMAC-SHA256 of the two under the server secret, so
 * nothing is stored and every email ever sent keeps working (RFC 8058 links must not
 * expire). Deterministic: the same recipient always gets the same URL, so a batch
 * re-rendered after a crash is byte for byte the email the provider saw first. Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UnsubscribeLinks {
  preferencesUrl: string;
  oneClickUrl: string;
}

export interface UnsubscribeRecipient {
  memberId: string;
  /** The campaign the email belongs to, for its figures; '' when it is not from a campaign. */
  campaignId: string;
}

// Bound into the MAC, so a signature made with the same secret for another purpose
// (the notification emails' stop link, say) never passes here.
const purpose = 'coterie:newsletter:unsubscribe:v1';

// Ids are our own base32 (db/ids.ts); anything else is not a link we made. No id can
// hold the newline that separates them in the signed text, so no two pairs sign alike.
const memberIdPattern = /^[a-z0-9]{1,64}$/;
const campaignIdPattern = /^[a-z0-9]{0,64}$/;
// An unpadded base64url SHA-256: 43 characters.
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

function signature(recipient: UnsubscribeRecipient, secret: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${recipient.memberId}\n${recipient.campaignId}`).digest('base64url');
}

/** Signed per recipient (and campaign, for the campaign's figures; '' when not from a campaign). */
export function unsubscribeLinks(siteUrl: URL, recipient: UnsubscribeRecipient, secret: string): UnsubscribeLinks {
  if (!memberIdPattern.test(recipient.memberId)) throw new Error(`unsubscribeLinks: "${recipient.memberId}" is not a member id.`);
  if (!campaignIdPattern.test(recipient.campaignId)) throw new Error(`unsubscribeLinks: "${recipient.campaignId}" is not a campaign id.`);
  const query = new URLSearchParams({ m: recipient.memberId, c: recipient.campaignId, t: signature(recipient, secret) }).toString();
  return {
    preferencesUrl: new URL(`/unsubscribe?${query}`, siteUrl).href,
    oneClickUrl: new URL(`/unsubscribe/one-click?${query}`, siteUrl).href,
  };
}

/** `List-Unsubscribe: <oneClickUrl>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058). */
export function listUnsubscribeHeaders(links: UnsubscribeLinks): Record<string, string> {
  return { 'List-Unsubscribe': `<${links.oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** The `m`, `c` and `t` of an unsubscribe link, from its query or from the page's hidden fields. */
export interface UnsubscribeParams {
  memberId: string;
  campaignId: string;
  token: string;
}

/** Reads `m`, `c` and `t` from URL search params or form data; anything missing or not text is ''. */
export function unsubscribeParams(source: { get(name: string): unknown }): UnsubscribeParams {
  const text = (name: string) => {
    const value = source.get(name);
    return typeof value === 'string' ? value : '';
  };
  return { memberId: text('m'), campaignId: text('c'), token: text('t') };
}

/** The recipient a link was signed for, or undefined when it is malformed or forged. */
export function verifyUnsubscribeToken(params: UnsubscribeParams, secret: string): UnsubscribeRecipient | undefined {
  const { memberId, campaignId, token } = params;
  if (!memberIdPattern.test(memberId) || !campaignIdPattern.test(campaignId) || !tokenPattern.test(token)) return undefined;
  // Compared as text, not decoded: base64url's last character has spare bits, so
  // decoding would accept several spellings of one signature.
  const given = Buffer.from(token);
  const expected = Buffer.from(signature({ memberId, campaignId }, secret));
  // constant-time: a plain === leaks how much of a forged signature is right through timing
  return given.length === expected.length && timingSafeEqual(given, expected) ? { memberId, campaignId } : undefined;
}
