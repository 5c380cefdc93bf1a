/**
 * The bot defence as the sign-in and newsletter pages use it: read the guard fields from
 * the posted form, screen the attempt, and put a refusal into words and a status.
 */
import { getDatabase } from '../../db/client.ts';
import { botPolicy, type GuardedForm } from '../server/bot-defence/bot-policy.ts';
import { screenSignUp, type SignUpScreening } from '../server/bot-defence/screen-sign-up.ts';
import { getAppSecret } from '../server/config/app-secret.ts';
import { field, minutesFrom } from './member-requests.ts';

export async function screenSignUpForm(form: GuardedForm, posted: FormData, clientAddress: string): Promise<SignUpScreening> {
  const { db } = await getDatabase();
  return screenSignUp(
    db,
    { form, honeypot: field(posted, botPolicy.honeypotField), stamp: field(posted, botPolicy.stampField), clientAddress },
    { secret: getAppSecret(), now: new Date() },
  );
}

type FormResponse = { status?: number; headers: Headers };

/**
 * For a refusal a person may have met (sent too soon, an old page, a burst from their
 * network): sets the status, and Retry-After when slowed, and says what to do.
 */
export function refusedSignUpMessage(response: FormResponse, refusal: Extract<SignUpScreening, { answer: 'retry' | 'slow' }>): string {
  if (refusal.answer === 'slow') {
    response.status = 429;
    response.headers.set('Retry-After', String(Math.ceil(refusal.retryAfterMs / 1000)));
    return `Many sign-ups came from your network in the last few minutes, so we are slowing them down. Please try again in ${minutesFrom(refusal.retryAfterMs)} minutes.`;
  }
  response.status = 400;
  return 'Nothing was sent yet: to keep out spam robots, this form needs a moment between opening and sending. Check your address and press the button again.';
}
