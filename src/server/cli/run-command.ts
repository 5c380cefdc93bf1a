/**
 * `coterie <area> <verb> …`: parse, then run against a database. Independent of where it
 * runs — the CLI process with its own database, or the server relaying for it. `tiers`
 * commands need Stripe instead of a database, so the CLI runs them itself, never relayed;
 * `digest` commands need the server's posts, so they are always relayed.
 */
import { done, failed, usageError, type CommandContext, type CommandResult } from './command-result.ts';
import { parseMembersCommand, runMembersCommand, membersUsage, type MembersCommand } from './members-command.ts';
import { parseTiersCommand, tiersUsage, type TiersCommand } from './tiers-command.ts';
import { billingUsage, parseBillingCommand, runBillingCommand, type BillingCommand } from './billing-command.ts';
import { digestUsage, parseDigestCommand, runDigestCommand, type DigestCommand } from './digest-command.ts';
import { printable } from './text-table.ts';

export type { CommandContext, CommandResult } from './command-result.ts';

export type Command = DatabaseCommand | { area: 'tiers'; command: TiersCommand };
/** The commands that run against the database (here or through the relay). */
export type DatabaseCommand =
  | { area: 'members'; command: MembersCommand }
  | { area: 'billing'; command: BillingCommand }
  /** Only the running server can run these: the CLI always relays them. */
  | { area: 'digest'; command: DigestCommand };

/** True for commands the running server must run (see DigestServices): never opened here. */
export function needsServer(command: Command): command is { area: 'digest'; command: DigestCommand } {
  return command.area === 'digest';
}

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
  `  ${membersUsage.import}`,
  '      Subscribers from a Substack, Ghost or Mailchimp CSV export, skipping unsubscribed and',
  '      suppressed addresses; --dry-run reports what it would do and changes nothing.',
  `  ${tiersUsage.sync}`,
  '      Show what Stripe needs to match tiers.yaml; --apply makes it so; --migrate also moves',
  '      subscribers of a changed price to the new one. Needs STRIPE_SECRET_KEY.',
  `  ${billingUsage.reconcile}`,
  '      Read every subscription from Stripe and repair what webhooks missed. Safe any time.',
  `  ${digestUsage.preview}`,
  '      Print the next digest (what is new since the last one) as a segment receives it: its',
  '      subject and text, or with --html its HTML. The default segment is free.',
  `  ${digestUsage.send}`,
  '      Send the next digest to every subscriber now; --test sends it to the owner only.',
  `  ${digestUsage.schedule}`,
  '      Send the next digest, as it stands now, at <when>: "2026-11-30 09:00" on the clock of the',
  "      newsletter's time zone (newsletter.yaml's schedule; UTC when it is off), or an ISO instant",
  '      such as 2026-11-30T09:00:00Z. Cancel it at /admin/newsletter.',
  '      Digest commands need the site running (npm start): the server composes and sends.',
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
  if (area === 'digest') {
    const parsed = parseDigestCommand(rest);
    return parsed.ok ? { ok: true, command: { area, command: parsed.command } } : parsed;
  }
  if (area === 'tiers') {
    const parsed = parseTiersCommand(rest);
    return parsed.ok ? { ok: true, command: { area, command: parsed.command } } : parsed;
  }
  return { ok: false, result: usageError(`Unknown command "${printable(area)}".\n\n${usage}`) };
}

export async function executeCommand(command: DatabaseCommand, context: CommandContext): Promise<CommandResult> {
  switch (command.area) {
    case 'billing':
      return runBillingCommand(command.command, context);
    case 'digest':
      return runDigestCommand(command.command, context);
    case 'members':
      return runMembersCommand(command.command, context);
  }
}

export async function runCommand(argv: readonly string[], context: CommandContext): Promise<CommandResult> {
  const parsed = parseCommand(argv);
  if (!parsed.ok) return parsed.result;
  // The CLI never relays these; an old or hand-made request gets told where they run.
  if (parsed.command.area === 'tiers') return failed('coterie tiers commands run in the coterie process itself, not through the server.');
  return executeCommand(parsed.command, context);
}
