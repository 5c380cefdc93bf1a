import type { RateLimit } from '../auth/rate-limit.ts';

const second = 1000;
const minute = 60 * second;

/** The two forms that send an email to any address typed into them. */
export const guardedForms = ['signin', 'subscribe'] as const;
export type GuardedForm = (typeof guardedForms)[number];

/**
 * What the sign-in and newsletter forms ask of a sender before any email goes out.
 * The form time is short on purpose: a person whose browser fills the address in still
 * takes longer than this to press the button, and one who is quicker is only asked to
 * press it again, never refused.
 */
export const botPolicy = {
  /** The hidden field people never see; robots that fill every field fill it. */
  honeypotField: 'comment',
  /** The signed time the page with the form was rendered. */
  stampField: 'form_started',
  minimumFormAgeMs: 2 * second,
  /** A form left open longer than this is asked to be sent again, so one stamp cannot be replayed for ever. */
  maximumFormAgeMs: 12 * 60 * minute,
  /**
   * Sign-ins and subscriptions together from one network (an IPv4 /24, an IPv6 /64):
   * a burst well past what a room of people signing up after a talk would send. The
   * per-address limits of sign-in-policy.ts apply as well.
   */
  signUpsPerNetwork: { limit: 20, windowMs: 10 * minute } satisfies RateLimit,
};
