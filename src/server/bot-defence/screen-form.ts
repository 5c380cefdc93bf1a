/**
 * The checks a sign-in or newsletter form must pass before any email is sent, as a pure
 * rule: the hidden field is empty, and the form was open long enough for a person.
 *
 * How each refusal is answered is part of the decision. A robot that filled the hidden
 * field or forged the stamp is answered as if it had succeeded, so it learns nothing
 * (no email goes out). A form sent too soon, too late, or without its stamp may be a
 * person's, so it comes back with the address kept and a stamp that lets the next press
 * through.
 */
import { botPolicy, type GuardedForm } from './bot-policy.ts';
import { issueFormStamp, readFormStamp } from './form-stamp.ts';

export type FormScreening =
  | { ok: true }
  | { ok: false; reason: 'honeypot' | 'stamp_forged'; answer: 'pretend' }
  | { ok: false; reason: 'too_fast' | 'stamp_missing' | 'stamp_stale'; answer: 'retry'; /** For the form shown again. */ stamp: string };

export interface FormScreeningRules {
  secret: string;
  form: GuardedForm;
  now: Date;
  /**
   * False where the form may come from a static page, which carries no stamp (the
   * newsletter form); a stamp that is there is still checked.
   */
  stampRequired: boolean;
}

export function screenForm(input: { honeypot: string; stamp: string }, rules: FormScreeningRules): FormScreening {
  const { secret, form, now } = rules;
  if (input.honeypot !== '') return { ok: false, reason: 'honeypot', answer: 'pretend' };
  const stamp = readFormStamp(secret, form, input.stamp.trim());
  if (!stamp.ok) {
    if (stamp.reason === 'stamp_forged') return { ok: false, reason: 'stamp_forged', answer: 'pretend' };
    if (!rules.stampRequired) return { ok: true };
    return { ok: false, reason: 'stamp_missing', answer: 'retry', stamp: issueFormStamp(secret, form, now) };
  }
  const age = now.getTime() - stamp.issuedAt.getTime();
  // The first stamp is kept: by the time the person presses again, it is old enough.
  if (age < botPolicy.minimumFormAgeMs) return { ok: false, reason: 'too_fast', answer: 'retry', stamp: input.stamp.trim() };
  if (age > botPolicy.maximumFormAgeMs) return { ok: false, reason: 'stamp_stale', answer: 'retry', stamp: issueFormStamp(secret, form, now) };
  return { ok: true };
}
