import { describe, expect, it } from 'vitest';
import { chooseServer } from '../../src/server/cli/choose-database.ts';
import { digestNeedsServer, parseDigestCommand, runDigestCommand } from '../../src/server/cli/digest-command.ts';
import { needsServer, parseCommand, runCommand, usage } from '../../src/server/cli/run-command.ts';
import type { CommandContext } from '../../src/server/cli/command-result.ts';
import { findPreviewReader, formatWallClock, parseNewsletterForm, parseSendTime, segmentNames } from '../../src/server/newsletter/admin-actions.ts';
import type { Tier } from '../../src/schemas/tier.ts';

describe('parseDigestCommand', () => {
  it('reads preview with its default segment, a segment, and --html', () => {
    expect(parseDigestCommand(['preview'])).toEqual({ ok: true, command: { verb: 'preview', segment: 'free', html: false } });
    expect(parseDigestCommand(['preview', '--segment', 'naturalist', '--html'])).toEqual({ ok: true, command: { verb: 'preview', segment: 'naturalist', html: true } });
    expect(parseDigestCommand(['preview', '--segment=staff'])).toEqual({ ok: true, command: { verb: 'preview', segment: 'staff', html: false } });
  });

  it('reads send and send --test', () => {
    expect(parseDigestCommand(['send'])).toEqual({ ok: true, command: { verb: 'send', test: false } });
    expect(parseDigestCommand(['send', '--test'])).toEqual({ ok: true, command: { verb: 'send', test: true } });
  });

  it('reads schedule with the time quoted, unquoted (two words), as datetime-local or as an instant', () => {
    expect(parseDigestCommand(['schedule', '2026-11-30 09:00'])).toEqual({ ok: true, command: { verb: 'schedule', when: '2026-11-30 09:00' } });
    expect(parseDigestCommand(['schedule', '2026-11-30', '09:00'])).toEqual({ ok: true, command: { verb: 'schedule', when: '2026-11-30 09:00' } });
    expect(parseDigestCommand(['schedule', '2026-11-30T09:00'])).toEqual({ ok: true, command: { verb: 'schedule', when: '2026-11-30T09:00' } });
    expect(parseDigestCommand(['schedule', '2026-11-30T09:00:00Z'])).toEqual({ ok: true, command: { verb: 'schedule', when: '2026-11-30T09:00:00Z' } });
  });

  it('answers a missing or unknown verb with usage (exit 2) naming the three verbs', () => {
    for (const args of [[], ['sned']]) {
      const parsed = parseDigestCommand(args);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.result.exitCode).toBe(2);
      expect(parsed.result.output).toMatch(/preview, send or schedule/);
      expect(parsed.result.output).toContain('coterie digest schedule <when>');
    }
  });

  it('refuses unknown options, stray arguments and an empty segment, with the verb\'s usage', () => {
    const refusals: [string[], RegExp][] = [
      [['preview', '--segmnt', 'free'], /Unknown option --segmnt\./],
      [['preview', 'free'], /Unexpected argument "free"\./],
      [['preview', '--segment', ''], /--segment needs a segment/],
      [['send', '--test', '--test'], /--test is given twice\./],
      [['send', 'now'], /Unexpected argument "now"\./],
      [['schedule'], /needs the time to send/],
      [['schedule', '2026-11-30', '09:00', 'Europe/London'], /Unexpected argument "Europe\/London"\./],
    ];
    for (const [args, message] of refusals) {
      const parsed = parseDigestCommand(args);
      expect(parsed.ok, args.join(' ')).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.result.exitCode).toBe(2);
      expect(parsed.result.output).toMatch(message);
      expect(parsed.result.output).toContain(`Usage: coterie digest ${args[0]}`);
    }
  });

  it('refuses a time that is not one, or a day that does not exist, saying how to write it', () => {
    for (const when of ['next monday', '30/11/2026 09:00', '2026-02-30 09:00', '2026-11-30 25:00', '2026-11-30']) {
      const parsed = parseDigestCommand(['schedule', when]);
      expect(parsed.ok, when).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.result.exitCode).toBe(2);
      expect(parsed.result.output).toContain(`"${when}" is not a time`);
      expect(parsed.result.output).toContain('2026-11-30 09:00');
    }
  });
});

describe('the digest area of coterie', () => {
  it('is parsed by parseCommand and always needs the server', () => {
    const parsed = parseCommand(['digest', 'send', '--test']);
    expect(parsed).toEqual({ ok: true, command: { area: 'digest', command: { verb: 'send', test: true } } });
    if (parsed.ok) expect(needsServer(parsed.command)).toBe(true);
    const members = parseCommand(['members', 'list']);
    if (members.ok) expect(needsServer(members.command)).toBe(false);
  });

  it('is described in the help text', () => {
    for (const line of ['coterie digest preview [--segment free|<tier>|staff] [--html]', 'coterie digest send [--test]', 'coterie digest schedule <when>']) {
      expect(usage).toContain(line);
    }
    expect(usage).toMatch(/need the site running \(npm start\)/);
  });

  it('says to start the site when it reaches a process that cannot compose digests', async () => {
    const context = { db: undefined, tiers: [], now: new Date() } as unknown as CommandContext;
    for (const args of [['digest', 'preview'], ['digest', 'send'], ['digest', 'schedule', '2026-11-30 09:00']]) {
      expect(await runCommand(args, context)).toEqual({ exitCode: 1, output: digestNeedsServer });
    }
    expect(digestNeedsServer).toBe('Start the site (npm start) first: digests are composed by the running server.');
    expect(await runDigestCommand({ verb: 'send', test: false }, context)).toEqual({ exitCode: 1, output: digestNeedsServer });
  });
});

describe('chooseServer', () => {
  const holder = { pid: 4242, command: 'node scripts/start.ts', startedAt: '2030-01-01T00:00:00.000Z' };
  const relay = { url: 'http://127.0.0.1:4321/api/cli', token: 'token', pid: 4242 };
  const dataDir = '/srv/coterie/data/pglite';
  const notRunning = 'Start the site first.';

  it('relays to the server holding the PGlite folder', () => {
    expect(chooseServer({ databaseUrl: undefined, dataDir, holder, relay }, notRunning)).toEqual({ kind: 'relay', relay });
  });

  it('relays on Postgres too, to the server whose card is in the data folder', () => {
    expect(chooseServer({ databaseUrl: 'postgres://db/x', dataDir, holder: undefined, relay }, notRunning)).toEqual({ kind: 'relay', relay });
  });

  it('says to start the site when no server runs, on either engine', () => {
    expect(chooseServer({ databaseUrl: undefined, dataDir, holder: undefined, relay: undefined }, notRunning)).toEqual({ kind: 'refuse', message: notRunning });
    expect(chooseServer({ databaseUrl: 'postgres://db/x', dataDir, holder: undefined, relay: undefined }, notRunning)).toEqual({ kind: 'refuse', message: notRunning });
  });

  it('hints at DATABASE_URL when a card exists but nobody holds the folder', () => {
    const choice = chooseServer({ databaseUrl: undefined, dataDir, holder: undefined, relay }, notRunning);
    expect(choice).toEqual({ kind: 'refuse', message: `${notRunning} (If it runs with DATABASE_URL, set DATABASE_URL for this command too.)` });
  });

  it('refuses to send a Postgres command to a server on the embedded database', () => {
    const choice = chooseServer({ databaseUrl: 'postgres://db/x', dataDir, holder, relay }, notRunning);
    expect(choice.kind).toBe('refuse');
    if (choice.kind === 'refuse') expect(choice.message).toMatch(/uses the embedded database in \/srv\/coterie\/data\/pglite, not DATABASE_URL/);
  });

  it('refuses a folder held by a process that relays nothing, as for other commands', () => {
    const choice = chooseServer({ databaseUrl: undefined, dataDir, holder, relay: undefined }, notRunning);
    expect(choice.kind).toBe('refuse');
    if (choice.kind === 'refuse') expect(choice.message).toContain('is in use by pid 4242');
  });
});

describe('parseSendTime', () => {
  it('reads a wall-clock time in the given time zone, across daylight saving', () => {
    // London is on GMT in November and on BST in July.
    expect(parseSendTime('2026-11-30 09:00', 'Europe/London')?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(parseSendTime('2026-07-06 09:00', 'Europe/London')?.toISOString()).toBe('2026-07-06T08:00:00.000Z');
    expect(parseSendTime('2026-11-30T09:00', 'America/New_York')?.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    expect(parseSendTime('2026-11-30T09:00:00', 'UTC')?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('reads an ISO instant with its offset whatever the time zone', () => {
    expect(parseSendTime('2026-11-30T09:00:00Z', 'Asia/Tokyo')?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(parseSendTime('2026-11-30T09:00+01:00', 'UTC')?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('refuses anything else', () => {
    for (const text of ['', 'tomorrow', '2026-11-30', '2026-13-01 09:00', '2026-02-29 09:00', '2026-11-30 24:00', '2026-11-30 9:00', '1764493200']) {
      expect(parseSendTime(text, 'UTC'), text).toBeUndefined();
    }
  });

  it('prints an instant back on the wall clock', () => {
    expect(formatWallClock(new Date('2026-07-06T08:00:00Z'), 'Europe/London')).toBe('2026-07-06 09:00');
  });
});

describe('preview segments', () => {
  const tiers = [
    { id: 'naturalist', name: 'Naturalist' },
    { id: 'patron', name: 'Field Patron' },
  ] as unknown as Tier[];

  it('finds free, staff, a bare tier id and a tier: id', () => {
    expect(findPreviewReader(tiers, 'free')?.reader).toEqual({ role: 'member', tiers: [] });
    expect(findPreviewReader(tiers, 'staff')?.reader).toEqual({ role: 'owner', tiers: [] });
    expect(findPreviewReader(tiers, 'patron')?.reader).toEqual({ role: 'member', tiers: ['patron'] });
    expect(findPreviewReader(tiers, 'tier:naturalist')?.id).toBe('tier:naturalist');
    expect(findPreviewReader(tiers, 'gold')).toBeUndefined();
    expect(segmentNames(tiers)).toBe('free, naturalist, patron or staff');
  });
});

describe('parseNewsletterForm', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);

  it('reads each intent the admin page sends', () => {
    expect(parseNewsletterForm(form({ intent: 'test', digest: 'abc' }))).toEqual({ intent: 'test', digest: 'abc' });
    expect(parseNewsletterForm(form({ intent: 'send', digest: 'abc' }))).toEqual({ intent: 'send', digest: 'abc' });
    expect(parseNewsletterForm(form({ intent: 'schedule', digest: 'abc', when: '2026-11-30T09:00' }))).toEqual({ intent: 'schedule', digest: 'abc', when: '2026-11-30T09:00' });
    expect(parseNewsletterForm(form({ intent: 'cancel', campaign: 'c1' }))).toEqual({ intent: 'cancel', campaign: 'c1' });
  });

  it('refuses a sending form without the digest it was made for, and unknown intents', () => {
    expect(parseNewsletterForm(form({ intent: 'send' }))).toBeUndefined();
    expect(parseNewsletterForm(form({ intent: 'cancel' }))).toBeUndefined();
    expect(parseNewsletterForm(form({ intent: 'delete', digest: 'abc' }))).toBeUndefined();
  });
});
