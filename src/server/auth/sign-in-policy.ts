import type { RateLimit } from './rate-limit.ts';

const minute = 60 * 1000;
const hour = 60 * minute;

/**
 * Limits on sending sign-in emails and on typing codes. Emails per address stop a
 * stranger from flooding someone's inbox; per network they stop one client from
 * trying many addresses; code attempts are counted per requesting browser.
 */
export const signInLimits = {
  emailsPerAddress: { limit: 5, windowMs: hour },
  emailsPerNetwork: { limit: 30, windowMs: hour },
  /** With 40-bit codes, five guesses per email sent leave no real chance of guessing. */
  codeAttemptsPerBrowser: { limit: 5, windowMs: 15 * minute },
  codeAttemptsPerNetwork: { limit: 50, windowMs: hour },
} satisfies Record<string, RateLimit>;
