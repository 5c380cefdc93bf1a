/** What a post body must be before it is stored: checked here, so the form only shows results. */
import { createHash } from 'node:crypto';
import { tooDeepFromLine } from './render-markdown.ts';

export const maxBodyLength = 10_000;

export type BodyCheck =
  | { ok: true; body: string }
  | { ok: false; reason: 'empty' | 'too_long' | 'malformed' | 'too_deep'; message: string };

// C0 and C1 control characters other than tab and newline (carriage returns are gone by
// the time this runs), and surrogates: with the `u` flag a paired one reads as a single
// character outside this range, so only a half without its partner matches.
const malformedCharacter = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]/u;
// Characters that show nothing: spaces, format characters (zero-width space and joiners,
// byte order mark, soft hyphen, direction marks) and the blank "filler" letters.
const invisibleCharacters = /[\p{White_Space}\p{Cf}\u115f\u1160\u3164\uffa0\u2800]/gu;

/**
 * Normalizes line endings to `\n` and trims, except that a first line indented as code
 * keeps its indent, then checks. Length counts code points, as Postgres does: 😀 is one.
 */
export function checkBody(source: string): BodyCheck {
  const normalized = source.replace(/\r\n?/g, '\n');
  const bad = malformedCharacter.exec(normalized);
  if (bad) {
    const { line, column } = position(normalized, bad.index);
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return {
      ok: false,
      reason: 'malformed',
      message: `The text has a character that cannot be shown (U+${code}) on line ${line}, column ${column}. It usually comes from pasting from another program: delete it and post again.`,
    };
  }
  const blankLinesAbove = /^(?:[ \t]*\n)*/.exec(normalized)![0];
  const withoutBlankLines = normalized.slice(blankLinesAbove.length).trimEnd();
  // Four spaces or a tab start an indented code block: that indent is the member's meaning.
  const body = /^(?: {4}|\t)/.test(withoutBlankLines) ? withoutBlankLines : withoutBlankLines.trimStart();
  if (body.replace(invisibleCharacters, '') === '') {
    return { ok: false, reason: 'empty', message: 'Write something before posting: the text is empty.' };
  }
  const length = Array.from(body).length;
  if (length > maxBodyLength) {
    const over = length - maxBodyLength;
    return {
      ok: false,
      reason: 'too_long',
      message: `A post can be at most ${count(maxBodyLength)} characters; this one has ${count(length)}, ${count(over)} too many. Shorten it or split it into two posts.`,
    };
  }
  const deepLine = tooDeepFromLine(body);
  if (deepLine !== undefined) {
    const line = deepLine + blankLinesAbove.split('\n').length - 1;
    return {
      ok: false,
      reason: 'too_deep',
      message: `Line ${line} is inside too many quotes or lists nested in each other (about 20 levels), so it could not be shown. Use fewer levels and post again.`,
    };
  }
  return { ok: true, body };
}

/** The body as the duplicate guard compares it: case and spacing do not make a new post. */
export function hashBody(body: string): string {
  return createHash('sha256').update(body.replace(/\s+/g, ' ').trim().toLowerCase()).digest('hex');
}

function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: Array.from(before.slice(lineStart)).length + 1 };
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
