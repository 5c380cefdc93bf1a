/**
 * Who a post mentions. One rule serves the notification list and the rendered links,
 * so a reader sees a link exactly where the mentioned member gets a notification:
 * `@handle` in ordinary text of the markdown, never in code and never inside a link.
 */
import type { StateCore, Token } from 'markdown-it';
// A cycle by design: the renderer runs `linkMentions` as one of its parser's rules, and
// `parseMentions` reads what that rule found. Both sides use each other only when called.
import { parseMarkdown } from './render-markdown.ts';

export const maxMentionsPerPost = 20;

// A handle as a profile allows it (2–30 of a–z, 0–9, _), written in any case. The `@`
// must not follow a letter, digit or underscore (`wren@example.com` is an address), and
// the handle must not run on into more of them or into another `@` (`@wren@elsewhere.social`
// is someone on another server). Letters are spelled out: with the `i` flag, `ſ` and the
// Kelvin sign would match `s` and `k`.
const mentionPattern = /(?<![\p{L}\p{M}\p{N}_])@([A-Za-z0-9_]{2,30})(?![\p{L}\p{M}\p{N}_@])/gu;

/** Handles mentioned in a member's markdown: lower-case, unique, in order of first appearance, at most 20. */
export function parseMentions(source: string): string[] {
  return parseMarkdown(source).mentions;
}

/**
 * A markdown-it core rule: turns each mention into a link to `/members/<handle>` with
 * class `mention` and records the handles in `env.mentions`. A handle past the first 20
 * distinct ones stays plain text, so no post can notify more people than that.
 */
export function linkMentions(state: StateCore): void {
  const handles: string[] = [];
  for (const block of state.tokens) {
    if (block.type === 'inline' && block.children) block.children = linkInline(block.children, handles, state);
  }
  state.env.mentions = handles;
}

function linkInline(children: Token[], handles: string[], state: StateCore): Token[] {
  const result: Token[] = [];
  let linkDepth = 0;
  // The character a reader sees just before the current token: `**wren**@x` reads "wren@x".
  let before = '';
  for (const child of children) {
    if (child.type === 'link_open') linkDepth += 1;
    if (child.type === 'link_close') linkDepth -= 1;
    if (child.type === 'text' && linkDepth === 0) result.push(...linkText(child, before, handles, state));
    else result.push(child);
    before = lastVisibleCharacter(child) ?? before;
  }
  return result;
}

function linkText(text: Token, before: string, handles: string[], state: StateCore): Token[] {
  const searched = before + text.content;
  const tokens: Token[] = [];
  let done = before.length;
  for (const match of searched.matchAll(mentionPattern)) {
    if (match.index < before.length) continue; // an `@` seen in an earlier token
    const handle = match[1]!.toLowerCase();
    if (!handles.includes(handle)) {
      if (handles.length >= maxMentionsPerPost) continue;
      handles.push(handle);
    }
    if (match.index > done) tokens.push(textToken(state, searched.slice(done, match.index)));
    const open = new state.Token('link_open', 'a', 1);
    open.attrs = [['href', `/members/${handle}`], ['class', 'mention']];
    open.meta = { mention: handle };
    tokens.push(open, textToken(state, match[0]), new state.Token('link_close', 'a', -1));
    done = match.index + match[0].length;
  }
  if (tokens.length === 0) return [text];
  if (done < searched.length) tokens.push(textToken(state, searched.slice(done)));
  return tokens;
}

function textToken(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}

function lastVisibleCharacter(token: Token): string | undefined {
  if (token.type === 'softbreak' || token.type === 'hardbreak') return '\n';
  if ((token.type === 'text' || token.type === 'code_inline') && token.content) {
    // the last code point, not the last UTF-16 unit, so `\p{L}` sees a whole letter
    return Array.from(token.content.slice(-2)).at(-1);
  }
  return undefined;
}
