/**
 * `coterie <area> <verb> …`: parse, then run against a database. Independent of where it
 * runs — the CLI process with its own database, or the server relaying for it. `tiers`
 * commands need Stripe instead of a database, so the CLI runs them itself, never relayed.
 */
import { done, failed, usageError, type CommandContext, type CommandResult } from './command-result.ts';
import { parseMembersCommand, runMembersCommand, membersUsage, type MembersCommand } from './members-command.ts';
import { parseTiersCommand, tiersUsage, type TiersCommand } from './tiers-command.ts';
import { billingUsage, parseBillingCommand, runBillingCommand, type BillingCommand } from './billing-command.ts';
import { printable } from './text-table.ts';

export type { CommandContext, CommandResult } from './command-result.ts';

export type Command = DatabaseCommand | { area: 'tiers'; command: TiersCommand };
/** The commands that run against the database (here or through the relay). */
export type DatabaseCommand = { area: 'members'; command: MembersCommand } | { area: 'billing'; command: BillingCommand };

export const usage = [
  'Usage: coterie <area> <verb> [arguments]',
  '  (in a checkout: npm run coterie -- <area> <verb> [arguments])',
  '',
  `  ${membersUsage.list}`,
  '      Everyone, with the tiers they hold.',
  `  ${membersUsage.grant}`,
  '      Complimentary access to a tier; without --until, until revoked. Granting again changes the end.',
  `  ${membersUsage.revoke}`,
  '      End complimentary access now.',
  `  ${membersUsage.role}`,
  '      Make a member a moderator, or back; the owner is whoever site.yaml names, at sign-in.',
  `  ${tiersUsage.sync}`,
  '      Show what Stripe needs to match tiers.yaml; --apply makes it so; --migrate also moves',
  '      subscribers of a changed price to the new one. Needs STRIPE_SECRET_KEY.',
  `  ${billingUsage.reconcile}`,
  '      Read every subscription from Stripe and repair what webhooks missed. Safe any time.',
  '  coterie help',
  '      This text.',
  '',
  '<tier> is a tier id from content/tiers.yaml. --until is the last day of access, in UTC.',
  'Exit codes: 0 done, 1 refused or failed, 2 usage error.',
].join('\n');

const helpWords = new Set(['help', '--help', '-h']);

/** The command, or the answer when there is nothing to run (help, or a usage error). Pure. */
export function parseCommand(argv: readonly string[]): { ok: true; command: Command } | { ok: false; result: CommandResult } {
  const [area, ...rest] = argv;
  if (area === undefined) return { ok: false, result: usageError(`Give a command.\n\n${usage}`) };
  // Asking for help anywhere before `--` is asking for help, not an unknown option.
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (helpWords.has(area) || options.some((arg) => arg === '--help' || arg === '-h')) return { ok: false, result: done(usage) };
  if (area === 'members') {
    const parsed = parseMembersCommand(rest);
    return parsed.ok ? { ok: true, command: { area, command: parsed.command } } : parsed;
  }
  if (area === 'billing') {
    const parsed = parseBillingCommand(rest);
    return parsed.ok ? { ok: true, command: { area, command: parsed.command } } : parsed;
  }
  if (area === 'tiers') {
    const parsed = parseTiersCommand(rest);
    return parsed.ok ? { ok: true, command: { area, command: parsed.command } } : parsed;
  }
  return { ok: false, result: usageError(`Unknown command "${printable(area)}".\n\n${usage}`) };
}

export async function executeCommand(command: DatabaseCommand, context: CommandContext): Promise<CommandResult> {
  return command.area === 'billing' ? runBillingCommand(command.command, context) : runMembersCommand(command.command, context);
}

export async function runCommand(argv: readonly string[], context: CommandContext): Promise<CommandResult> {
  const parsed = parseCommand(argv);
  if (!parsed.ok) return parsed.result;
  // The CLI never relays these; an old or hand-made request gets told where they run.
  if (parsed.command.area === 'tiers') return failed('coterie tiers commands run in the coterie process itself, not through the server.');
  return executeCommand(parsed.command, context);
}
