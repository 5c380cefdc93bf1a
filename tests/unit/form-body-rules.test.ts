import { describe, expect, it } from 'vitest';
import { controlCharacterMessage, fieldWithControlCharacter, judgeFormContentType, takesFormBody } from '../../src/server/http/form-body-rules.ts';

describe('judgeFormContentType', () => {
  it.each([
    ['application/x-www-form-urlencoded', 'urlencoded'],
    ['application/x-www-form-urlencoded; charset=UTF-8', 'urlencoded'],
    ['Application/X-WWW-Form-Urlencoded', 'urlencoded'],
    ['multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW', 'multipart'],
    ['multipart/form-data; charset=utf-8; boundary="quoted boundary"', 'multipart'],
  ])('reads %s as a form', (contentType, kind) => {
    expect(judgeFormContentType(contentType)).toEqual({ ok: true, kind });
  });

  it.each([
    [null, 415],
    ['', 415],
    ['text/plain', 415],
    ['text/plain;charset=UTF-8', 415],
    ['application/json', 415],
    ['application/octet-stream', 415],
    ['application/x-www-form-urlencoded-not', 415],
    ['multipart/form-data', 400],
    ['multipart/form-data; boundary=', 400],
    ['multipart/form-data; boundary=""', 400],
    [`multipart/form-data; boundary=${'b'.repeat(71)}`, 400],
  ])('refuses %s with %i and a reason', (contentType, status) => {
    const verdict = judgeFormContentType(contentType);
    expect(verdict).toMatchObject({ ok: false, status });
    if (!verdict.ok) expect(verdict.message).toMatch(/Nothing was changed\.$/);
  });

  it('names a media type back, but never echoes junk', () => {
    const json = judgeFormContentType('application/json');
    expect(!json.ok && json.message).toContain('it was application/json');
    const junk = judgeFormContentType('<script>alert(1)</script>');
    expect(!junk.ok && junk.message).not.toContain('<script>');
  });
});

describe('takesFormBody', () => {
  it('exempts only the endpoints that read their own bodies, by exact path', () => {
    for (const path of ['/api/stripe/webhook', '/api/resend/webhook', '/api/cli', '/api/cli/', '/unsubscribe/one-click', '/notifications/stop']) {
      expect(takesFormBody(path), path).toBe(false);
    }
    for (const path of ['/account', '/signin', '/unsubscribe', '/notifications', '/api/cli/x', '/t/abc']) expect(takesFormBody(path), path).toBe(true);
  });
});

describe('fieldWithControlCharacter', () => {
  it('finds NUL and the other C0 controls, but allows tab, newline and carriage return', () => {
    expect(fieldWithControlCharacter([['title', 'Owls\u0000']])).toBe('title');
    expect(fieldWithControlCharacter([['name', 'a\u001bb']])).toBe('name');
    expect(fieldWithControlCharacter([['email', '\u0007x@example.com']])).toBe('email');
    expect(fieldWithControlCharacter([['note', 'a\tb\r\nc'], ['name', 'Wren']])).toBeUndefined();
    expect(fieldWithControlCharacter([['ok', 'fine'], ['name', 'x\u0000']])).toBe('name');
  });
  it('checks field names, and leaves the post text to its own rule (which keeps the text)', () => {
    expect(fieldWithControlCharacter([['bad\u0000name', 'x']])).toBe('bad\u0000name');
    expect(fieldWithControlCharacter([['body', 'pasted\u000bline']])).toBeUndefined();
  });
  it('reads FormData entries, skipping files', () => {
    const form = new FormData();
    form.append('title', 'Moths');
    form.append('file', new Blob(['\u0000']), 'x\u0000.bin');
    expect(fieldWithControlCharacter(form.entries())).toBeUndefined();
    form.append('name', '\u0000');
    expect(fieldWithControlCharacter(form.entries())).toBe('name');
  });
  it('names a plain field in its message, and nothing else', () => {
    expect(controlCharacterMessage('title')).toContain('The “title” field');
    expect(controlCharacterMessage('bad\u0000name')).toContain('A field of this form');
  });
});
