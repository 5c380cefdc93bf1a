import { describe, expect, it } from 'vitest';
import { parseArguments } from '../../src/server/cli/parse-arguments.ts';
import { parseCommand } from '../../src/server/cli/run-command.ts';
import { parseUntilDate } from '../../src/server/cli/until-date.ts';

describe('parseArguments', () => {
  const spec = { until: 'value', json: 'flag' } as const;

  it('reads positionals, values in both spellings, flags, and everything after --', () => {
    expect(parseArguments(['a@b.co', '--until', '2030-01-01', 'patron', '--json'], spec)).toEqual({
      ok: true,
      positionals: ['a@b.co', 'patron'],
      options: { until: '2030-01-01', json: true },
    });
    expect(parseArguments(['--until=2030-01-01', '--', '--json'], spec)).toEqual({
      ok: true,
      positionals: ['--json'],
      options: { until: '2030-01-01' },
    });
  });

  it('refuses unknown, repeated and incomplete options instead of ignoring them', () => {
    expect(parseArguments(['--untill', '2030-01-01'], spec)).toEqual({ ok: false, message: 'Unknown option --untill.' });
    expect(parseArguments(['-u'], spec)).toEqual({ ok: false, message: 'Unknown option -u.' });
    expect(parseArguments(['--json', '--json'], spec)).toEqual({ ok: false, message: '--json is given twice.' });
    expect(parseArguments(['--json=yes'], spec)).toEqual({ ok: false, message: '--json takes no value.' });
    expect(parseArguments(['--until'], spec)).toEqual({ ok: false, message: '--until needs a value.' });
    expect(parseArguments(['--until', '--json'], spec)).toEqual({ ok: false, message: '--until needs a value.' });
  });
});

describe('parseUntilDate', () => {
  it('is the last millisecond of that day in UTC', () => {
    expect(parseUntilDate('2030-12-31')?.toISOString()).toBe('2030-12-31T23:59:59.999Z');
    expect(parseUntilDate('2028-02-29')?.toISOString()).toBe('2028-02-29T23:59:59.999Z');
  });

  it('refuses dates that do not exist and other spellings', () => {
    for (const text of ['2030-02-30', '2029-02-29', '2030-13-01', '2030-1-1', '31/12/2030', '2030-12-31T00:00', '']) {
      expect(parseUntilDate(text), text).toBeUndefined();
    }
  });
});

describe('parseCommand', () => {
  it('parses a grant', () => {
    expect(parseCommand(['members', 'grant', 'ada@example.com', 'patron', '--until', '2030-12-31', '--note', ' thanks '])).toEqual({
      ok: true,
      command: {
        area: 'members',
        command: {
          verb: 'grant',
          email: 'ada@example.com',
          tier: 'patron',
          until: { text: '2030-12-31', endsAt: new Date('2030-12-31T23:59:59.999Z') },
          note: 'thanks',
          json: false,
        },
      },
    });
  });

  it('answers help with exit code 0, and usage errors with 2', () => {
    for (const argv of [['help'], ['--help'], ['members', 'grant', '-h']]) {
      expect(parseCommand(argv), argv.join(' ')).toMatchObject({ ok: false, result: { exitCode: 0 } });
    }
    const errors: [string[], string][] = [
      [[], 'Give a command.'],
      [['posts', 'list'], 'Unknown command "posts".'],
      [['members'], 'members needs a verb: list, grant, revoke, role or import.'],
      [['members', 'delete', 'ada@example.com'], 'Unknown command "members delete": list, grant, revoke, role or import.'],
      [['members', 'list', 'extra'], 'members list takes no arguments; "extra" is one too many.'],
      [['members', 'revoke', 'ada@example.com'], 'members revoke needs <tier>.'],
      [['members', 'grant'], 'members grant needs <email> and <tier>.'],
      [['members', 'grant', 'ada@example.com', 'patron', '--until', '2030-02-30'], '--until "2030-02-30" is not a date: write it as YYYY-MM-DD, e.g. 2026-12-31.'],
    ];
    for (const [argv, firstLine] of errors) {
      const parsed = parseCommand(argv);
      expect(parsed.ok, argv.join(' ')).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.result.exitCode, argv.join(' ')).toBe(2);
      expect(parsed.result.output.split('\n')[0], argv.join(' ')).toBe(firstLine);
    }
  });

  it('never echoes control characters from its arguments', () => {
    const parsed = parseCommand(['members', '\u001b[2Jboom']);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.result.output).not.toContain('\u001b');
  });
});
