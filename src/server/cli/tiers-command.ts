/**
 * `coterie tiers sync [--apply] [--migrate]`: make Stripe's products and prices match
 * tiers.yaml. Without --apply it only reads Stripe and prints the plan. Needs Stripe
 * and the tiers, never the database.
 */
import type Stripe from 'stripe';
import { describeStripeError } from '../billing/stripe.ts';
import { applyTierSync } from '../billing/tier-sync/apply.ts';
import { planTierSync, type TierToSync } from '../billing/tier-sync/plan.ts';
import { readStripeState } from '../billing/tier-sync/stripe-state.ts';
import { done, failed, usageError, type CommandResult } from './command-result.ts';
import { parseArguments } from './parse-arguments.ts';
import { printable } from './text-table.ts';

export type TiersCommand = { verb: 'sync'; apply: boolean; migrate: boolean };

export const tiersUsage = {
  sync: 'coterie tiers sync [--apply] [--migrate]',
} as const;

export interface TiersContext {
  /** The tiers in tiers.yaml, in full: names, descriptions and prices go to Stripe. */
  tiers: readonly TierToSync[];
  /** Undefined when STRIPE_SECRET_KEY is not set. */
  stripe: Stripe | undefined;
}

export const stripeNotConfigured =
  'Stripe is not configured: set STRIPE_SECRET_KEY (sk_test_… from https://dashboard.stripe.com/test/apikeys) and run again.';

export function parseTiersCommand(args: readonly string[]): { ok: true; command: TiersCommand } | { ok: false; result: CommandResult } {
  const [verb, ...rest] = args;
  if (verb !== 'sync') {
    const what = verb === undefined ? 'tiers needs a verb' : `Unknown command "tiers ${printable(verb)}"`;
    return { ok: false, result: usageError(`${what}: sync.\n${tiersUsage.sync}`) };
  }
  const parsed = parseArguments(rest, { apply: 'flag', migrate: 'flag' });
  const refuse = (message: string) => ({ ok: false as const, result: usageError(`${printable(message)}\nUsage: ${tiersUsage.sync}`) });
  if (!parsed.ok) return refuse(parsed.message);
  if (parsed.positionals.length > 0) return refuse(`tiers sync takes no arguments; "${parsed.positionals[0]}" is one too many.`);
  return { ok: true, command: { verb, apply: parsed.options.apply === true, migrate: parsed.options.migrate === true } };
}

export async function runTiersCommand(command: TiersCommand, { tiers, stripe }: TiersContext): Promise<CommandResult> {
  if (stripe === undefined) return failed(stripeNotConfigured);
  let snapshot;
  try {
    snapshot = await readStripeState(stripe, { subscriptions: command.migrate });
  } catch (error) {
    return failed(`Could not read Coterie's products from Stripe. ${describeStripeError(error)}`);
  }
  const actions = planTierSync({ tiers, snapshot, migrate: command.migrate });
  if (actions.length === 0) return done('Stripe already matches tiers.yaml.');
  const lines = actions.map((action) => printable(action.summary));
  if (!command.apply) return done([...lines, '', 'Nothing changed: run again with --apply to make Stripe match.'].join('\n'));

  const outcome = await applyTierSync(stripe, actions);
  const made = outcome.done.map((action) => printable(action.summary));
  if (outcome.failure !== undefined) {
    const { action, error } = outcome.failure;
    const stopped = `Stopped after ${count(made.length)} of ${actions.length}: "${printable(action.summary)}" failed. ${describeStripeError(error)}`;
    return failed([...made, stopped].join('\n'));
  }
  return done([...made, '', `Stripe now matches tiers.yaml: ${count(made.length)} made.`].join('\n'));
}

function count(changes: number): string {
  return changes === 1 ? '1 change' : `${changes} changes`;
}
