/**
 * The whole bot defence for one POST of the sign-in or newsletter form: the form's own
 * checks, then the limit on bursts from one network. Every refusal is counted for the
 * owner. The per-address limits of sending itself still apply afterwards.
 */
import type { Database } from '../../../db/client.ts';
import { consumeRateLimit } from '../auth/rate-limit.ts';
import { botPolicy, type GuardedForm } from './bot-policy.ts';
import { networkOf } from './network-of.ts';
import { countRefusedSignUp } from './refused-sign-ups.ts';
import { screenForm, type FormScreening } from './screen-form.ts';

export type SignUpScreening = FormScreening | { ok: false; reason: 'network_burst'; answer: 'slow'; retryAfterMs: number };

export interface SignUpAttempt {
  form: GuardedForm;
  /** The hidden field's value and the stamp, as posted ('' when absent). */
  honeypot: string;
  stamp: string;
  /** The connecting address (Astro's clientAddress), never a forwarded header. */
  clientAddress: string;
}

export async function screenSignUp(db: Database, attempt: SignUpAttempt, context: { secret: string; now: Date }): Promise<SignUpScreening> {
  const { form, clientAddress } = attempt;
  const { now } = context;
  let verdict: SignUpScreening = screenForm(attempt, { secret: context.secret, form, now, stampRequired: form === 'signin' });
  if (verdict.ok) {
    const network = networkOf(clientAddress);
    if (network !== undefined) {
      const limited = await consumeRateLimit(db, `sign-up-network:${network}`, botPolicy.signUpsPerNetwork, now);
      if (!limited.allowed) verdict = { ok: false, reason: 'network_burst', answer: 'slow', retryAfterMs: limited.retryAfterMs };
    }
  }
  if (!verdict.ok) await countRefusedSignUp(db, { form, reason: verdict.reason, now });
  return verdict;
}
