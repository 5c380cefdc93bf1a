/**
 * `coterie <area> <verb> …`: parse, then run against a database. Independent of where it
 * runs — the CLI process with its own database, or the server relaying for it.
 */
import { done, usageError, type CommandContext, type CommandResult } from './command-result.ts';
import { parseMembersCommand, runMembersCommand, membersUsage, type MembersCommand } from './members-command.ts';
import { printable } from './text-table.ts';

export type { CommandContext, CommandResult } from './command-result.ts';

export type Command = { area: 'members'; command: MembersCommand };

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
  return { ok: false, result: usageError(`Unknown command "${printable(area)}".\n\n${usage}`) };
}

export async function executeCommand(command: Command, context: CommandContext): Promise<CommandResult> {
  return runMembersCommand(command.command, context);
}

export async function runCommand(argv: readonly string[], context: CommandContext): Promise<CommandResult> {
  const parsed = parseCommand(argv);
  return parsed.ok ? executeCommand(parsed.command, context) : parsed.result;
}
