import { describe, expect, it } from 'vitest';
import { maxMentionsPerPost, parseMentions } from '../../src/server/discussions/mentions.ts';
import { renderMarkdown } from '../../src/server/discussions/render-markdown.ts';

describe('parseMentions', () => {
  it('finds handles in order of first appearance, lower-cased and once each', () => {
    expect(parseMentions('@Wren and @ada_9, then @WREN again and @ada_9.')).toEqual(['wren', 'ada_9']);
  });

  it('ends a handle at punctuation', () => {
    expect(parseMentions('(@wren), @ada: @kit! @lee? @mo. "@sam" @jo\'s')).toEqual(['wren', 'ada', 'kit', 'lee', 'mo', 'sam', 'jo']);
  });

  it('finds mentions at the start of a line, in emphasis, lists and quotes', () => {
    expect(parseMentions('hi\n@wren\n\n**@ada**\n\n- @kit\n\n> @lee said')).toEqual(['wren', 'ada', 'kit', 'lee']);
  });

  it('ignores mentions in inline code and code blocks', () => {
    expect(parseMentions('`@wren` and ``x @ada``\n\n```\n@kit\n```\n\n    @lee\n\n~~~\n@mo\n~~~')).toEqual([]);
  });

  it('ignores email addresses and handles glued to a word', () => {
    expect(parseMentions('wren@example.com, first.last@example.org, x_@ada, café@kit, 2@lee')).toEqual([]);
  });

  it('ignores handles inside links and web addresses', () => {
    expect(parseMentions('[@wren](https://example.com) https://social.example/@ada <https://example.com/@kit>')).toEqual([]);
  });

  it('ignores someone on another server', () => {
    expect(parseMentions('@wren@social.example')).toEqual([]);
  });

  it('takes only handles of 2 to 30 letters, digits and underscores', () => {
    expect(parseMentions(`@a @ab @${'x'.repeat(30)} @${'y'.repeat(31)} @wren-bird @ünter`)).toEqual(['ab', 'x'.repeat(30), 'wren']);
  });

  it('does not fold look-alike letters into handles', () => {
    // U+212A KELVIN SIGN and U+017F LONG S match k and s under case-insensitive matching.
    expect(parseMentions('@\u212Ait @\u017Fam @\u212A')).toEqual([]);
  });

  it('takes mentions escaped as text after markdown unescapes them', () => {
    expect(parseMentions('\\@wren and @ada\\_bird')).toEqual(['wren', 'ada_bird']);
  });

  it('stops at 20 people', () => {
    const source = Array.from({ length: 25 }, (_, index) => `@member${index}`).join(' ');
    const found = parseMentions(source);
    expect(found).toHaveLength(maxMentionsPerPost);
    expect(found.at(-1)).toBe('member19');
  });

  it('finds exactly the handles the renderer links', () => {
    const source = 'Hi @Wren, not `@code` nor wren@example.com; [@link](/x), **@ada** and @kit.';
    const linked = [...renderMarkdown(source).html.matchAll(/href="\/members\/([^"]+)" class="mention"/g)].map((match) => match[1]);
    expect(parseMentions(source)).toEqual(['wren', 'ada', 'kit']);
    expect(linked).toEqual(['wren', 'ada', 'kit']);
  });
});
