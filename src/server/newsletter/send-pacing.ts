/**
 * How fast and how patiently campaign batches go to the provider: a pacer that spaces
 * requests to the account's rate limit (and pauses everyone when the provider says
 * 429), and the backoff between retries of a batch that failed for a passing reason.
 */

export interface Pacer {
  /** Resolves when the next request may be made. */
  take(): Promise<void>;
  /** Nobody sends before `ms` from now (the provider's Retry-After). */
  pauseFor(ms: number): void;
}

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** `requestsPerSecond` evenly spaced: 10/s is one request every 100 ms, never ten at once. */
export function createPacer(requestsPerSecond: number, clock: PacerClock = realClock): Pacer {
  if (!(requestsPerSecond > 0)) throw new Error(`The sending rate must be a positive number of requests per second, not ${requestsPerSecond}.`);
  const spacingMs = 1000 / requestsPerSecond;
  let nextAt = 0;
  return {
    async take() {
      const now = clock.now();
      const at = Math.max(now, nextAt);
      nextAt = at + spacingMs;
      if (at > now) await clock.sleep(at - now);
    },
    pauseFor(ms) {
      nextAt = Math.max(nextAt, clock.now() + ms);
    },
  };
}

/** Resend's default limit for an account is 2 requests per second; raise it when yours is higher. */
export const defaultRequestsPerSecond = 2;

/** `RESEND_REQUESTS_PER_SECOND`, checked: a typo must not silently send at the default rate. */
export function requestsPerSecondFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RESEND_REQUESTS_PER_SECOND?.trim();
  if (!raw) return defaultRequestsPerSecond;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 1000) {
    throw new Error(`RESEND_REQUESTS_PER_SECOND must be a number of requests per second between 0 and 1000 (your Resend account's limit), not "${raw}".`);
  }
  return value;
}

/**
 * Batches in flight at once for a rate: enough that one batch's database work overlaps
 * another's wait on the provider (at 10 requests/s, bench/digest-benchmark.ts kept the
 * pace with 4 and fell behind with 2), never so many that they only queue.
 */
export function senderConcurrency(requestsPerSecond: number): number {
  return Math.min(8, Math.max(2, Math.ceil(requestsPerSecond / 2.5)));
}

const baseDelayMs = 2_000;
const maxDelayMs = 10 * 60_000;

/**
 * Wait before attempt `attempts + 1`: doubling from 2 s up to 10 minutes, with ±20%
 * jitter so senders that failed together do not retry together. `random` is in [0, 1).
 */
export function backoffMs(attempts: number, random: number = Math.random()): number {
  const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.8 + 0.4 * random));
}

/** After this many attempts a batch is given up on and its emails marked failed. */
export const maxBatchAttempts = 8;
