/**
 * The token in a notification email's "stop these emails" link: the member's id and an
 * HMAC-SHA256 of it under the server secret. Nothing is stored, so every email a member
 * ever got keeps working; all it can do is turn their notification emails off. Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

// Bound into the MAC, so a signature made for another purpose with the same secret never passes here.
const purpose = 'coterie:notification-emails:stop:v1';

// Ids are our own base32 (db/ids.ts); anything else is not a token we made.
const memberIdPattern = /^[a-z0-9]{1,64}$/;

function mac(memberId: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}\n${memberId}`).digest();
}

/** `<member id>.<base64url MAC>`: URL-safe as it is. */
export function signStopToken(memberId: string, secret: string): string {
  if (!memberIdPattern.test(memberId)) throw new Error(`signStopToken: "${memberId}" is not a member id.`);
  return `${memberId}.${mac(memberId, secret).toString('base64url')}`;
}

export type StopTokenCheck = { ok: true; memberId: string } | { ok: false; reason: 'malformed' | 'bad_signature' };

export function verifyStopToken(token: string, secret: string): StopTokenCheck {
  const dot = token.indexOf('.');
  const memberId = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (dot < 0 || !memberIdPattern.test(memberId) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return { ok: false, reason: 'malformed' };
  // Compared as text, not decoded: base64url's last character has spare bits, so
  // decoding would accept several spellings of one signature.
  const given = Buffer.from(signature);
  const expected = Buffer.from(mac(memberId, secret).toString('base64url'));
  // constant-time: a plain === leaks how much of a forged signature is right through timing
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true, memberId } : { ok: false, reason: 'bad_signature' };
}
