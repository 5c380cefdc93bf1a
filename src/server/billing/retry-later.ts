/**
 * A webhook that cannot be handled yet but will be later (say, a subscription for a
 * customer whose checkout has not been linked yet). The route answers 503 so Stripe
 * retries, instead of 500 for a bug or 200 for a loss.
 */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
