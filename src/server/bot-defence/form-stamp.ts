/**
 * The time a form was rendered, signed with the server's secret, so a POST can show how
 * long its page was open without the server storing anything. Only pages rendered per
 * request carry one: a static page's stamp would be its build time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GuardedForm } from './bot-policy.ts';

export type StampReading =
  | { ok: true; issuedAt: Date }
  | { ok: false; reason: 'stamp_missing' | 'stamp_forged' };

export function issueFormStamp(secret: string, form: GuardedForm, issuedAt: Date): string {
  const time = String(issuedAt.getTime());
  return `${time}.${signature(secret, form, time)}`;
}

/** The render time in `value`, if this server signed it for this form. */
export function readFormStamp(secret: string, form: GuardedForm, value: string): StampReading {
  if (value === '') return { ok: false, reason: 'stamp_missing' };
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match?.[1] || !match[2]) return { ok: false, reason: 'stamp_forged' };
  const expected = Buffer.from(signature(secret, form, match[1]));
  const given = Buffer.from(match[2]);
  // constant-time: a plain === would leak how much of a guessed signature is right
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'stamp_forged' };
  return { ok: true, issuedAt: new Date(Number(match[1])) };
}

function signature(secret: string, form: GuardedForm, time: string): string {
  return createHmac('sha256', secret).update(`form-stamp:${form}:${time}`).digest('base64url');
}
