/**
 * `coterie members list|grant|revoke|role|import`: complimentary access and roles by hand, and
 * subscriber lists from other platforms. Parsing is pure and needs no database, so a typo is
 * reported before anything is opened.
 */
import { basename } from 'node:path';
import { normalizeEmail } from '../members/email-address.ts';
import { grantTier, listMembers, revokeTier, type MemberListing } from '../members/grants.ts';
import { setMemberRole } from '../members/roles.ts';
import type { StaffOrMemberRole } from '../auth/owner-role.ts';
import { importSubscribers } from '../newsletter/import/import-subscribers.ts';
import { describeImport, importJson } from '../newsletter/import/import-summary.ts';
import { parseSubscriberCsv } from '../newsletter/import/parse-subscriber-csv.ts';
import { readSubscriberFile } from '../newsletter/import/read-subscriber-file.ts';
import { done, failed, usageError, type CommandContext, type CommandResult } from './command-result.ts';
import { parseArguments, type OptionSpec } from './parse-arguments.ts';
import { formatTable, printable } from './text-table.ts';
import { formatDay, parseUntilDate } from './until-date.ts';

export type MembersCommand =
  | { verb: 'list'; json: boolean }
  | { verb: 'grant'; email: string; tier: string; until: { text: string; endsAt: Date } | null; note: string; json: boolean }
  | { verb: 'revoke'; email: string; tier: string; json: boolean }
  | { verb: 'role'; email: string; role: StaffOrMemberRole; json: boolean }
  | { verb: 'import'; file: string; dryRun: boolean; json: boolean };

export const membersUsage = {
  list: 'coterie members list [--json]',
  grant: 'coterie members grant <email> <tier> [--until YYYY-MM-DD] [--note text] [--json]',
  revoke: 'coterie members revoke <email> <tier> [--json]',
  role: 'coterie members role <email> <moderator|member> [--json]',
  import: 'coterie members import <file.csv> [--dry-run] [--json]',
} as const;

type Verb = keyof typeof membersUsage;

const specs: Record<Verb, { positionals: string[]; options: OptionSpec }> = {
  list: { positionals: [], options: { json: 'flag' } },
  grant: { positionals: ['email', 'tier'], options: { until: 'value', note: 'value', json: 'flag' } },
  revoke: { positionals: ['email', 'tier'], options: { json: 'flag' } },
  role: { positionals: ['email', 'role'], options: { json: 'flag' } },
  import: { positionals: ['file.csv'], options: { 'dry-run': 'flag', json: 'flag' } },
};

const ownerByConfig =
  'The owner is whoever ownerEmail in site.yaml names: change it there and restart the server; the previous owner goes back to the role they had before.';

/** Who the record says granted access from the command line. */
const grantedBy = 'cli';

export function parseMembersCommand(args: readonly string[]): { ok: true; command: MembersCommand } | { ok: false; result: CommandResult } {
  const [verb, ...rest] = args;
  if (verb !== 'list' && verb !== 'grant' && verb !== 'revoke' && verb !== 'role' && verb !== 'import') {
    const what = verb === undefined ? 'members needs a verb' : `Unknown command "members ${printable(verb)}"`;
    return { ok: false, result: usageError(`${what}: list, grant, revoke, role or import.\n${Object.values(membersUsage).join('\n')}`) };
  }
  const spec = specs[verb];
  const refuse = (message: string) => ({ ok: false as const, result: usageError(`${printable(message)}\nUsage: ${membersUsage[verb]}`) });

  const parsed = parseArguments(rest, spec.options);
  if (!parsed.ok) return refuse(parsed.message);
  const { positionals, options } = parsed;
  if (positionals.length < spec.positionals.length) {
    return refuse(`members ${verb} needs ${spec.positionals.slice(positionals.length).map((name) => `<${name}>`).join(' and ')}.`);
  }
  if (positionals.length > spec.positionals.length) {
    return refuse(`members ${verb} takes ${spec.positionals.length || 'no'} arguments; "${positionals[spec.positionals.length]}" is one too many.`);
  }
  const json = options.json === true;
  const [email = '', tier = ''] = positionals;

  if (verb === 'list') return { ok: true, command: { verb, json } };
  if (verb === 'import') return { ok: true, command: { verb, file: positionals[0] ?? '', dryRun: options['dry-run'] === true, json } };
  if (verb === 'revoke') return { ok: true, command: { verb, email, tier, json } };
  if (verb === 'role') {
    const role = tier;
    if (role === 'owner') return refuse(ownerByConfig);
    if (role !== 'moderator' && role !== 'member') return refuse(`"${role}" is not a role: use moderator or member.`);
    return { ok: true, command: { verb, email, role, json } };
  }

  let until: { text: string; endsAt: Date } | null = null;
  if (typeof options.until === 'string') {
    const endsAt = parseUntilDate(options.until);
    if (endsAt === undefined) return refuse(`--until "${options.until}" is not a date: write it as YYYY-MM-DD, e.g. 2026-12-31.`);
    until = { text: options.until, endsAt };
  }
  const note = typeof options.note === 'string' ? options.note.trim() : '';
  return { ok: true, command: { verb, email, tier, until, note, json } };
}

export async function runMembersCommand(command: MembersCommand, context: CommandContext): Promise<CommandResult> {
  switch (command.verb) {
    case 'list':
      return list(command.json, context);
    case 'grant':
      return grant(command, context);
    case 'revoke':
      return revoke(command, context);
    case 'role':
      return role(command, context);
    case 'import':
      return importFile(command, context);
  }
}

async function importFile(command: Extract<MembersCommand, { verb: 'import' }>, { db }: CommandContext): Promise<CommandResult> {
  const read = await readSubscriberFile(command.file);
  if (!read.ok) return failed(read.message);
  const parsed = parseSubscriberCsv(read.text);
  if (!parsed.ok) return failed(`${read.path}: ${parsed.error}`);
  const name = basename(read.path);
  const report = await importSubscribers(db, parsed, { dryRun: command.dryRun, source: name });
  return done(command.json ? importJson(report, read.path) : describeImport(report, name));
}

async function role(command: Extract<MembersCommand, { verb: 'role' }>, context: CommandContext): Promise<CommandResult> {
  const result = await setMemberRole(context.db, { email: command.email, role: command.role });
  if (!result.ok) {
    if (result.reason === 'invalid_email') return failed(notAnEmail(command.email));
    if (result.reason === 'owner') return failed(`${normalizeEmail(command.email)} is the owner. ${ownerByConfig}`);
    return failed(`No member has the address ${normalizeEmail(command.email)}. They need to sign in once first.`);
  }
  const who = normalizeEmail(command.email);
  if (command.json) return done(JSON.stringify({ email: who, previous: result.previous, role: result.role }, null, 2));
  if (result.previous === result.role) return done(`${who} is already ${result.role}; nothing changed.`);
  return done(`${who} is now ${result.role} (was ${result.previous}).`);
}

async function list(json: boolean, { db, now }: CommandContext): Promise<CommandResult> {
  const people = await listMembers(db, now);
  if (json) return done(JSON.stringify({ members: people.map(listingJson) }, null, 2));
  if (people.length === 0) return done('No members yet.');
  const rows = people.map((person) => [
    person.email,
    person.name ?? '-',
    person.handle === null ? '-' : `@${person.handle}`,
    person.role,
    formatDay(person.createdAt),
    person.tiers.map(({ tier, endsAt }) => (endsAt === null ? tier : `${tier} until ${formatDay(endsAt)}`)).join(', ') || '-',
  ]);
  const count = people.length === 1 ? '1 member' : `${people.length} members`;
  return done(`${formatTable([['EMAIL', 'NAME', 'HANDLE', 'ROLE', 'JOINED', 'TIERS'], ...rows])}\n\n${count}`);
}

async function grant(command: Extract<MembersCommand, { verb: 'grant' }>, context: CommandContext): Promise<CommandResult> {
  const known = checkTier(command.tier, context);
  if (known !== undefined) return known;
  const endsAt = command.until?.endsAt ?? null;
  const result = await grantTier(context.db, { email: command.email, tier: command.tier, endsAt, grantedBy, note: command.note }, context.now);
  if (!result.ok) {
    if (result.reason === 'invalid_email') return failed(notAnEmail(command.email));
    return failed(`--until ${command.until?.text} is in the past: access would end before it began. Give today (UTC) or a later day.`);
  }
  const { action, memberCreated, grant, previousEndsAt } = result;
  if (command.json) {
    return done(JSON.stringify({ action, email: normalizeEmail(command.email), tier: grant.tier, endsAt: grant.endsAt, memberCreated }, null, 2));
  }
  const who = normalizeEmail(command.email);
  const until = describeEnd(grant.endsAt);
  if (action === 'granted') return done(`Granted ${grant.tier} to ${who} ${until}${memberCreated ? ' (new member)' : ''}.`);
  if (action === 'changed') return done(`${who} had ${grant.tier} ${describeEnd(previousEndsAt ?? null)}; now ${until}.`);
  return done(`${who} already has ${grant.tier} ${until}; ${command.note === '' ? 'nothing changed' : 'the note is updated'}.`);
}

async function revoke(command: Extract<MembersCommand, { verb: 'revoke' }>, context: CommandContext): Promise<CommandResult> {
  const result = await revokeTier(context.db, { email: command.email, tier: command.tier }, context.now);
  if (!result.ok) {
    return failed(result.reason === 'invalid_email' ? notAnEmail(command.email) : `No member has the address ${normalizeEmail(command.email)}.`);
  }
  const who = normalizeEmail(command.email);
  if (result.revoked === 0) {
    // A tier removed from tiers.yaml can still be revoked, so the tier is only checked when nothing matched.
    return checkTier(command.tier, context) ?? failed(`${who} has no active grant of ${command.tier}: nothing to revoke.`);
  }
  if (command.json) return done(JSON.stringify({ email: who, tier: command.tier, revoked: result.revoked }, null, 2));
  return done(`Revoked ${command.tier} from ${who}.`);
}

/** A failure naming the allowed tiers, or undefined when the tier is in tiers.yaml. */
function checkTier(tier: string, { tiers }: CommandContext): CommandResult | undefined {
  if (tiers.some((known) => known.id === tier)) return undefined;
  const allowed = tiers.map((known) => `${known.id} (${known.name})`).join(', ') || '(none)';
  return failed(`Unknown tier "${printable(tier)}". Tiers in tiers.yaml: ${allowed}.`);
}

function listingJson(person: MemberListing) {
  return { ...person, createdAt: person.createdAt.toISOString(), tiers: person.tiers.map(({ tier, endsAt }) => ({ tier, endsAt: endsAt?.toISOString() ?? null })) };
}

function describeEnd(endsAt: Date | null): string {
  return endsAt === null ? 'until revoked' : `until ${formatDay(endsAt)}`;
}

function notAnEmail(input: string): string {
  return `"${printable(input)}" is not an email address.`;
}
