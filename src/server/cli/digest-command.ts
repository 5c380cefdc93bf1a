/**
 * `coterie digest preview|send|schedule`: the next digest from the command line. Always
 * run by the server (through the CLI relay): only it holds the posts a digest is made of.
 * Parsing is pure, so a typo is reported before anything is asked of the server.
 */
import { ensureMember } from '../members/ensure-member.ts';
import { normalizeEmail } from '../members/email-address.ts';
import { findPreviewReader, formatWallClock, parseSendTime, previewDigest, segmentNames, sendTimeExample, startDigest, type DigestRequest } from '../newsletter/admin-actions.ts';
import { done, failed, usageError, type CommandContext, type CommandResult, type DigestServices } from './command-result.ts';
import { parseArguments, type OptionSpec } from './parse-arguments.ts';
import { printable } from './text-table.ts';

export type DigestCommand =
  | { verb: 'preview'; segment: string; html: boolean }
  | { verb: 'send'; test: boolean }
  | { verb: 'schedule'; when: string };

export const digestUsage = {
  preview: 'coterie digest preview [--segment free|<tier>|staff] [--html]',
  send: 'coterie digest send [--test]',
  schedule: 'coterie digest schedule <when>',
} as const;

type Verb = keyof typeof digestUsage;

const specs: Record<Verb, { positionals: { min: number; max: number }; options: OptionSpec }> = {
  preview: { positionals: { min: 0, max: 0 }, options: { segment: 'value', html: 'flag' } },
  send: { positionals: { min: 0, max: 0 }, options: { test: 'flag' } },
  // `schedule 2026-11-30 09:00` unquoted arrives as two words.
  schedule: { positionals: { min: 1, max: 2 }, options: {} },
};

/** What a digest command says when it reaches a process that cannot compose digests. */
export const digestNeedsServer = 'Start the site (npm start) first: digests are composed by the running server.';

export function parseDigestCommand(args: readonly string[]): { ok: true; command: DigestCommand } | { ok: false; result: CommandResult } {
  const [verb, ...rest] = args;
  if (verb !== 'preview' && verb !== 'send' && verb !== 'schedule') {
    const what = verb === undefined ? 'digest needs a verb' : `Unknown command "digest ${printable(verb)}"`;
    return { ok: false, result: usageError(`${what}: preview, send or schedule.\n${Object.values(digestUsage).join('\n')}`) };
  }
  const spec = specs[verb];
  const refuse = (message: string) => ({ ok: false as const, result: usageError(`${printable(message)}\nUsage: ${digestUsage[verb]}`) });
  const parsed = parseArguments(rest, spec.options);
  if (!parsed.ok) return refuse(parsed.message);
  const { positionals, options } = parsed;
  if (positionals.length < spec.positionals.min) return refuse(`digest ${verb} needs the time to send.`);
  if (positionals.length > spec.positionals.max) return refuse(`Unexpected argument "${positionals[spec.positionals.max]}".`);

  if (verb === 'preview') {
    const segment = typeof options.segment === 'string' ? options.segment.trim() : 'free';
    if (segment === '') return refuse('--segment needs a segment: free, a tier id, or staff.');
    return { ok: true, command: { verb, segment, html: options.html === true } };
  }
  if (verb === 'send') return { ok: true, command: { verb, test: options.test === true } };
  const when = positionals.join(' ');
  // The shape is checked here; the time zone it is read in is the server's to know.
  if (parseSendTime(when, 'UTC') === undefined) {
    return refuse(`"${when}" is not a time: give a date and time such as "${sendTimeExample}" (read in the newsletter's time zone) or an ISO instant such as 2026-11-30T09:00:00Z.`);
  }
  return { ok: true, command: { verb, when } };
}

export async function runDigestCommand(command: DigestCommand, context: CommandContext): Promise<CommandResult> {
  if (!context.digest) return failed(digestNeedsServer);
  const services = await context.digest();
  switch (command.verb) {
    case 'preview':
      return preview(command, services, context);
    case 'send':
      return send(command, services, context);
    case 'schedule':
      return schedule(command, services, context);
  }
}

async function preview(command: Extract<DigestCommand, { verb: 'preview' }>, services: DigestServices, { now }: CommandContext): Promise<CommandResult> {
  const reader = findPreviewReader(services.tiers, command.segment);
  if (!reader) return failed(`There is no segment "${printable(command.segment)}": use ${segmentNames(services.tiers)}.`);
  const email = previewDigest(await services.compose(now), reader);
  // The HTML alone, so it can be saved and opened as it is; its <title> is the subject.
  if (command.html) return done(email.html);
  return done(`Subject: ${email.subject}\nAs: ${reader.label}\n\n${email.text}`);
}

async function send(command: Extract<DigestCommand, { verb: 'send' }>, services: DigestServices, { db, now }: CommandContext): Promise<CommandResult> {
  const plan = await services.compose(now);
  let request: DigestRequest = { kind: 'send' };
  const owner = normalizeEmail(services.ownerEmail);
  if (command.test) {
    // The owner may never have signed in; the test still goes to the address site.yaml names.
    const { member } = await ensureMember(db, owner);
    request = { kind: 'test', owner: member };
  }
  const started = await startDigest(db, plan, request, { createdBy: 'cli', now });
  if (!started.ok) return failed(started.message);
  services.wake();
  const { campaignId, recipients } = started.campaign;
  if (command.test) {
    return recipients === 0
      ? failed(`${owner} is on the suppression list (it bounced, complained or unsubscribed), so the test (campaign ${campaignId}) went nowhere.`)
      : done(`Sending a test of "${plan.subject}" to ${owner}: campaign ${campaignId}, 1 recipient.`);
  }
  return done(`Sending "${plan.subject}": campaign ${campaignId}, ${recipients} recipient${recipients === 1 ? '' : 's'}. Follow it at /admin/newsletter.`);
}

async function schedule(command: Extract<DigestCommand, { verb: 'schedule' }>, services: DigestServices, { db, now }: CommandContext): Promise<CommandResult> {
  const at = parseSendTime(command.when, services.timeZone);
  if (!at) return failed(`"${printable(command.when)}" is not a time: give one such as "${sendTimeExample}" or 2026-11-30T09:00:00Z.`);
  const plan = await services.compose(now);
  const started = await startDigest(db, plan, { kind: 'schedule', at, timeZone: services.timeZone }, { createdBy: 'cli', now });
  if (!started.ok) return failed(started.message);
  services.wake();
  return done(
    `Scheduled "${plan.subject}" for ${formatWallClock(at, services.timeZone)} ${services.timeZone} (${at.toISOString()}): campaign ${started.campaign.campaignId}. ` +
      'It holds the digest as it stands now; recipients are chosen when it goes. Cancel it at /admin/newsletter.',
  );
}
