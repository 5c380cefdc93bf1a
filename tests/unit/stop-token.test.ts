import { describe, expect, it } from 'vitest';
import { signStopToken, verifyStopToken } from '../../src/server/discussions/stop-token.ts';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const memberId = 'k3x7qmzp2wbd5tjc4hna';

describe('stop tokens', () => {
  it('verifies its own token and names the member', () => {
    const token = signStopToken(memberId, secret);
    expect(token.startsWith(`${memberId}.`)).toBe(true);
    expect(verifyStopToken(token, secret)).toEqual({ ok: true, memberId });
  });

  it('is the same token every time for one member, and URL-safe', () => {
    const token = signStopToken(memberId, secret);
    expect(signStopToken(memberId, secret)).toBe(token);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyStopToken(signStopToken(memberId, `${secret}x`), secret)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses another member’s id with a valid signature', () => {
    const signature = signStopToken(memberId, secret).split('.')[1];
    expect(verifyStopToken(`aaaaaaaaaaaaaaaaaaaa.${signature}`, secret)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses every one-character change to the signature', () => {
    const token = signStopToken(memberId, secret);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let index = memberId.length + 1; index < token.length; index++) {
      const original = token[index] ?? '';
      const replacement = alphabet[(alphabet.indexOf(original) + 1) % alphabet.length] ?? 'A';
      const forged = token.slice(0, index) + replacement + token.slice(index + 1);
      expect(verifyStopToken(forged, secret).ok, forged).toBe(false);
    }
  });

  it('refuses malformed tokens without throwing', () => {
    const token = signStopToken(memberId, secret);
    for (const forged of ['', '.', memberId, `${memberId}.`, `.${token.split('.')[1]}`, `${token}.x`, `${token}=`, token.toUpperCase(), `../${token}`, `${memberId}.${'A'.repeat(44)}`]) {
      expect(verifyStopToken(forged, secret), forged).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('will not sign something that is not a member id', () => {
    expect(() => signStopToken('a.b', secret)).toThrow(/not a member id/);
    expect(() => signStopToken('', secret)).toThrow(/not a member id/);
  });
});
