import { describe, expect, it } from 'vitest';
import { checkBody, maxBodyLength } from '../../src/server/discussions/body-rules.ts';

describe('checkBody', () => {
  it('trims and turns Windows and old Mac line endings into \\n', () => {
    expect(checkBody('\r\n  Hello,\r\nworld\rbye  \r\n\r\n')).toEqual({ ok: true, body: 'Hello,\nworld\nbye' });
  });

  it('keeps the indent of a first line that is a code block', () => {
    expect(checkBody('\n\n    const x = 1;\n\nafter\n')).toEqual({ ok: true, body: '    const x = 1;\n\nafter' });
  });

  it('keeps tabs, emoji and text in any script', () => {
    expect(checkBody('a\tb 😀 日本語 עברית')).toEqual({ ok: true, body: 'a\tb 😀 日本語 עברית' });
  });

  it('refuses an empty body, whitespace, or only invisible characters', () => {
    for (const source of ['', '   ', '\n\t\r\n', '\u200b\u200d\ufeff', '\u00a0\u3000', '\u2800\u3164']) {
      const result = checkBody(source);
      expect(result, JSON.stringify(source)).toMatchObject({ ok: false, reason: 'empty' });
      if (!result.ok) expect(result.message).toMatch(/write something/i);
    }
  });

  it('accepts exactly the limit, counting an emoji as one character', () => {
    expect(checkBody('x'.repeat(maxBodyLength)).ok).toBe(true);
    expect(checkBody('😀'.repeat(maxBodyLength)).ok).toBe(true);
  });

  it('does not count the \\r of \\r\\n line endings toward the limit', () => {
    expect(checkBody('ab\r\n'.repeat(3_000)).ok).toBe(true);
  });

  it('refuses a body over the limit, saying the limit and how far over', () => {
    expect(checkBody('x'.repeat(maxBodyLength + 250))).toEqual({
      ok: false,
      reason: 'too_long',
      message: 'A post can be at most 10,000 characters; this one has 10,250, 250 too many. Shorten it or split it into two posts.',
    });
  });

  it('refuses control characters, naming which and where', () => {
    expect(checkBody('fine\nbad\u0000here')).toEqual({
      ok: false,
      reason: 'malformed',
      message:
        'The text has a character that cannot be shown (U+0000) on line 2, column 4. It usually comes from pasting from another program: delete it and post again.',
    });
    for (const character of ['\u0001', '\u0007', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u009f']) {
      expect(checkBody(`a${character}b`), JSON.stringify(character)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a lone surrogate but not a pair', () => {
    expect(checkBody('a\ud83db')).toMatchObject({ ok: false, reason: 'malformed', message: expect.stringContaining('U+D83D') });
    expect(checkBody('a\ude00')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(checkBody('a\ud83d\ude00')).toEqual({ ok: true, body: 'a😀' });
  });

  it('reports a malformed body as malformed even when it is otherwise empty', () => {
    expect(checkBody('\u0000')).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses text nested too deep to be shown, naming the line, rather than losing it', () => {
    expect(checkBody(`${'>'.repeat(19)} still shown`)).toMatchObject({ ok: true });
    const quoted = checkBody(`\n\nA first line.\n\n${'>'.repeat(21)} lost words`);
    expect(quoted).toEqual({
      ok: false,
      reason: 'too_deep',
      message: 'Line 5 is inside too many quotes or lists nested in each other (about 20 levels), so it could not be shown. Use fewer levels and post again.',
    });
    const list = Array.from({ length: 12 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n');
    expect(checkBody(list)).toMatchObject({ ok: false, reason: 'too_deep' });
    expect(checkBody(list.split('\n').slice(0, 9).join('\n'))).toMatchObject({ ok: true });
  });
});
