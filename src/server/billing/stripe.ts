/**
 * The Stripe adapter: the only module that constructs a Stripe client. Tests point it at
 * a fake of Stripe's HTTP API (`tests/fakes/stripe-api.ts`) through STRIPE_API_BASE.
 */
import Stripe from 'stripe';

type Env = Readonly<Record<string, string | undefined>>;

const keysPage = 'https://dashboard.stripe.com/apikeys';
const webhooksPage = 'https://dashboard.stripe.com/webhooks';

/**
 * A client for STRIPE_SECRET_KEY, or undefined when it is not set (a free-only
 * community). Throws, with a message a person can act on, when the key or
 * STRIPE_API_BASE is malformed: talking to Stripe with either would only fail later.
 */
export function createStripeClient(env: Env = process.env): Stripe | undefined {
  const key = value(env.STRIPE_SECRET_KEY);
  if (key === undefined) return undefined;
  const problem = secretKeyProblem(key) ?? apiBaseProblem(env.STRIPE_API_BASE);
  if (problem !== undefined) throw new Error(problem);
  return new Stripe(key, {
    // The version these types describe; the account's default version may differ.
    apiVersion: Stripe.API_VERSION,
    maxNetworkRetries: 2,
    appInfo: { name: 'Coterie' },
    ...apiBase(env.STRIPE_API_BASE),
  });
}

/** Whether paid tiers can be bought here: a Stripe key is set (start-up has checked it). */
export function paymentsAreSetUp(env: Env = process.env): boolean {
  return value(env.STRIPE_SECRET_KEY) !== undefined;
}

/** What is wrong with the Stripe settings, one sentence each; empty when nothing is. */
export function checkStripeEnvironment(env: Env = process.env): string[] {
  const key = value(env.STRIPE_SECRET_KEY);
  const webhookSecret = value(env.STRIPE_WEBHOOK_SECRET);
  const problems: string[] = [];
  if (key !== undefined) {
    const problem = secretKeyProblem(key);
    if (problem !== undefined) problems.push(problem);
  }
  if (webhookSecret !== undefined && !webhookSecret.startsWith('whsec_')) {
    problems.push(`STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…), from the endpoint's page at ${webhooksPage} or from \`stripe listen\`.`);
  }
  if (key !== undefined && webhookSecret === undefined) {
    problems.push(`STRIPE_WEBHOOK_SECRET is not set, so payments would never reach Coterie: add a webhook endpoint at ${webhooksPage} and set its signing secret (whsec_…).`);
  }
  if (key === undefined && webhookSecret !== undefined) {
    problems.push(`STRIPE_WEBHOOK_SECRET is set but STRIPE_SECRET_KEY is not: set the secret key too (sk_test_… or sk_live_…, from ${keysPage}), or neither for a free-only community.`);
  }
  const base = apiBaseProblem(env.STRIPE_API_BASE);
  if (base !== undefined) problems.push(base);
  return problems;
}

/** One line for a failed Stripe call: what Stripe said, never a key, never a stack. */
export function describeStripeError(error: unknown): string {
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return redact(`Could not reach Stripe: ${firstLine(error.message)}`);
  }
  if (error instanceof Stripe.errors.StripeAuthenticationError) {
    return redact(`Stripe refused the key in STRIPE_SECRET_KEY (${firstLine(error.message)}); check it at ${keysPage}.`);
  }
  if (error instanceof Stripe.errors.StripeError) {
    const detail = [error.statusCode === undefined ? undefined : `HTTP ${error.statusCode}`, error.code].filter(Boolean).join(', ');
    return redact(`Stripe refused: ${firstLine(error.message)}${detail ? ` (${detail})` : ''}`);
  }
  return redact(error instanceof Error ? firstLine(error.message) || error.name : String(error));
}

function secretKeyProblem(key: string): string | undefined {
  if (key.startsWith('sk_') || key.startsWith('rk_')) return undefined;
  return `STRIPE_SECRET_KEY must be a secret key (sk_test_… or sk_live_…), from ${keysPage}`;
}

function apiBaseProblem(base: string | undefined): string | undefined {
  const text = value(base);
  if (text === undefined || apiBase(text) !== undefined) return undefined;
  return `STRIPE_API_BASE must be an http(s) address such as http://127.0.0.1:12111 (it is only for test fakes); unset it to use Stripe itself.`;
}

/** STRIPE_API_BASE as the SDK's host, port and protocol; empty for Stripe itself. */
function apiBase(base: string | undefined): { host: string; port: number; protocol: 'http' | 'https' } | undefined {
  const text = value(base);
  if (text === undefined || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port), protocol };
}

function value(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

// Stripe masks keys in its own messages; this keeps any key out of ours even if that changes.
function redact(text: string): string {
  return text.replace(/\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]+/g, '[key]').replace(/\bwhsec_[A-Za-z0-9]+/g, '[secret]');
}
