/**
 * `COTERIE_DEMO_PAYMENTS=1 npm start`: walk the whole join flow on a laptop with no Stripe
 * account. The loopback Stripe fake the tests use stands in for Stripe: it answers the
 * official SDK, shows its own Checkout and Customer Portal pages, and sends signed
 * webhooks to this server. The tiers are synced to it with the real `tiers sync` code.
 *
 * Never with real keys and never on a public address: a demo payment takes no money, so
 * on a reachable site it would hand out paid tiers for free. The fake keeps its state in
 * memory, so a restart forgets its customers (the site's database keeps what it stored).
 */
import type { FakeStripe } from '../tests/fakes/stripe-api.ts';
import { applyTierSync } from '../src/server/billing/tier-sync/apply.ts';
import { planTierSync } from '../src/server/billing/tier-sync/plan.ts';
import { readStripeState } from '../src/server/billing/tier-sync/stripe-state.ts';
import { createStripeClient } from '../src/server/billing/stripe.ts';
import { isLocalSiteUrl } from '../src/server/config/site-url.ts';
import { loadTiersFile } from '../src/server/cli/tiers-file.ts';

export function demoPaymentsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'on', 'yes'].includes(env.COTERIE_DEMO_PAYMENTS?.trim().toLowerCase() ?? '');
}

/** Why demo payments may not run in this environment, or undefined when they may. */
export function demoPaymentsRefusal(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.STRIPE_SECRET_KEY?.trim() || env.STRIPE_WEBHOOK_SECRET?.trim()) {
    return 'COTERIE_DEMO_PAYMENTS cannot be used with STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET set: unset one or the other.';
  }
  const siteUrl = env.SITE_URL?.trim();
  if (siteUrl && !(URL.canParse(siteUrl) && isLocalSiteUrl(new URL(siteUrl)))) {
    return `COTERIE_DEMO_PAYMENTS is for a site on this machine only, and SITE_URL is ${siteUrl}: demo payments take no money, so anyone reaching the site could take paid tiers for free.`;
  }
  const host = env.HOST?.trim() || 'localhost';
  if (!['localhost', '127.0.0.1', '::1'].includes(host)) {
    return `COTERIE_DEMO_PAYMENTS is for a site on this machine only, and HOST is ${host}: set HOST=localhost (or unset it) to try the demo.`;
  }
  return undefined;
}

export interface DemoPayments {
  /** Points the fake's webhooks at the server once its address is known. */
  connect(siteUrl: string): void;
  close(): Promise<void>;
}

/**
 * Starts the fake on loopback, sets the Stripe variables the server reads to it, and
 * syncs `tiers.yaml` to it. Call before the server bundle is loaded.
 */
export async function startDemoPayments(tiersFile: string, env: NodeJS.ProcessEnv = process.env): Promise<DemoPayments> {
  const { startFakeStripe } = await import('../tests/fakes/stripe-api.ts');
  const fake: FakeStripe = await startFakeStripe();
  env.STRIPE_SECRET_KEY = fake.secretKey;
  env.STRIPE_WEBHOOK_SECRET = fake.webhookSecret;
  env.STRIPE_API_BASE = fake.url;
  const stripe = createStripeClient(env);
  if (!stripe) throw new Error('The demo Stripe client could not be made.');
  const actions = planTierSync({ tiers: loadTiersFile(tiersFile), snapshot: await readStripeState(stripe), migrate: false });
  const outcome = await applyTierSync(stripe, actions);
  if (outcome.failure) throw new Error('Syncing tiers.yaml to the demo Stripe failed.', { cause: outcome.failure.error });
  return {
    connect: (siteUrl) => fake.setWebhookUrl(new URL('/api/stripe/webhook', siteUrl).href),
    close: () => fake.close(),
  };
}
