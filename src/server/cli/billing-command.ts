/** `coterie billing reconcile`: make the database match every subscription in Stripe. */
import { reconcileSubscriptions } from '../billing/reconcile.ts';
import { describeStripeError } from '../billing/stripe.ts';
import { done, failed, usageError, type CommandContext, type CommandResult } from './command-result.ts';
import { parseArguments } from './parse-arguments.ts';
import { printable } from './text-table.ts';
import { stripeNotConfigured } from './tiers-command.ts';

export type BillingCommand = { verb: 'reconcile'; json: boolean };

export const billingUsage = { reconcile: 'coterie billing reconcile [--json]' } as const;

export function parseBillingCommand(args: readonly string[]): { ok: true; command: BillingCommand } | { ok: false; result: CommandResult } {
  const [verb, ...rest] = args;
  if (verb !== 'reconcile') {
    const what = verb === undefined ? 'billing needs a verb' : `Unknown command "billing ${printable(verb)}"`;
    return { ok: false, result: usageError(`${what}: reconcile.\nUsage: ${billingUsage.reconcile}`) };
  }
  const parsed = parseArguments(rest, { json: 'flag' });
  if (!parsed.ok) return { ok: false, result: usageError(`${printable(parsed.message)}\nUsage: ${billingUsage.reconcile}`) };
  if (parsed.positionals.length > 0) return { ok: false, result: usageError(`billing reconcile takes no arguments.\nUsage: ${billingUsage.reconcile}`) };
  return { ok: true, command: { verb, json: parsed.options.json === true } };
}

export async function runBillingCommand(command: BillingCommand, context: CommandContext): Promise<CommandResult> {
  const billing = await context.billing?.();
  if (!billing) return failed(stripeNotConfigured);
  let report;
  try {
    report = await reconcileSubscriptions(billing);
  } catch (error) {
    return failed(describeStripeError(error));
  }
  if (command.json) return done(JSON.stringify(report, null, 2));
  const lines = [
    `Checked ${report.checked} subscription${report.checked === 1 ? '' : 's'} in Stripe: ${report.stored} stored as Stripe has them, ${report.notOurs} for products that are not tiers.`,
  ];
  if (report.unlinked.length > 0) lines.push(`Not linked to any member (made outside Coterie?): ${report.unlinked.join(', ')}`);
  if (report.vanished.length > 0) lines.push(`Gone from Stripe, now marked canceled: ${report.vanished.join(', ')}`);
  return done(lines.join('\n'));
}
