import { describe, expect, it } from 'vitest';
import { findHttpLinks, splitTextLinks } from '../../src/server/mail/text-links.ts';

describe('findHttpLinks', () => {
  it('finds every web link and leaves sentence punctuation behind', () => {
    const text = 'Sign in: http://localhost:4321/auth/verify?token=a&b=c.\nOr (https://example.com/x), not ftp://example.com.';
    expect(findHttpLinks(text)).toEqual(['http://localhost:4321/auth/verify?token=a&b=c', 'https://example.com/x']);
  });
});

describe('splitTextLinks', () => {
  const origin = 'http://localhost:4321';

  it('links only URLs on the site and keeps every character of the text', () => {
    const text = 'Go to http://localhost:4321/auth/verify?t=1. Not https://evil.example/x or http://localhost:4321@evil.example/.';
    const segments = splitTextLinks(text, origin);
    expect(segments.map((segment) => segment.text).join('')).toBe(text);
    expect(segments.filter((segment) => segment.href).map((segment) => segment.href)).toEqual(['http://localhost:4321/auth/verify?t=1']);
  });

  it('does not link another port on the same host', () => {
    expect(splitTextLinks('http://localhost:9999/x', origin)).toEqual([{ text: 'http://localhost:9999/x' }]);
  });
});
