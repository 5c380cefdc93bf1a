import { describe, expect, it } from 'vitest';
import { checkProfile } from '../../src/server/account/profile.ts';
import { describeDevice } from '../../src/server/account/describe-device.ts';
import { decodePendingSignIn, encodePendingSignIn, sessionCookieAttributes, sessionCookieName } from '../../src/server/auth/cookies.ts';
import { becameOwnerDetail, isOwnerEmail, roleBeforeOwner } from '../../src/server/auth/owner-role.ts';
import { safeNextPath } from '../../src/server/auth/safe-next-path.ts';
import { digestsEqual, formatCode, normalizeCode, randomCode, randomString, sha256Hex } from '../../src/server/auth/secrets.ts';
import { judgeSession, sessionExpiresAt, type SessionPolicy } from '../../src/server/auth/session-policy.ts';
import { parseEmail } from '../../src/server/members/email-address.ts';

const policy: SessionPolicy = { inactivityTimeoutMs: 10_000, activityCheckIntervalMs: 1_000, absoluteLifetimeMs: 30_000 };
const t = (ms: number) => new Date(ms);

describe('judgeSession', () => {
  it('is valid, due a refresh, or expired by inactivity or by age', () => {
    expect(judgeSession({ createdAt: t(0), lastVerifiedAt: t(0) }, t(999), policy)).toBe('valid');
    expect(judgeSession({ createdAt: t(0), lastVerifiedAt: t(0) }, t(1_000), policy)).toBe('refresh');
    expect(judgeSession({ createdAt: t(0), lastVerifiedAt: t(0) }, t(10_000), policy)).toBe('expired');
    expect(judgeSession({ createdAt: t(0), lastVerifiedAt: t(29_500) }, t(30_000), policy)).toBe('expired');
  });
  it('expires at the earlier of its two limits', () => {
    expect(sessionExpiresAt({ createdAt: t(0), lastVerifiedAt: t(5_000) }, policy)).toEqual(t(15_000));
    expect(sessionExpiresAt({ createdAt: t(0), lastVerifiedAt: t(25_000) }, policy)).toEqual(t(30_000));
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/posts/badgers', '/posts/badgers'],
    ['/tags/owls?x=1#y', '/tags/owls?x=1#y'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/posts/x\r\nSet-Cookie: a=b', '/'],
    ['/signin', '/'],
    ['/signin/check', '/'],
    [null, '/'],
    ['', '/'],
    // Redirect headers carry bytes: anything past printable ASCII is percent-encoded.
    ['/日本', '/%E6%97%A5%E6%9C%AC'],
    ['/posts/a。b', '/posts/a%E3%80%82b'],
    ['/posts/a\u2028b', '/posts/a%E2%80%A8b'],
    ['/search?q=caf\u00e9 noir#top', '/search?q=caf%C3%A9%20noir#top'],
    ['/posts/\u{1F989}', '/posts/%F0%9F%A6%89'],
    ['/%E6%97%A5%E6%9C%AC', '/%E6%97%A5%E6%9C%AC'],
    ['/posts/\ud800', '/'],
  ])('%s → %s', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });
  it('is idempotent and yields only printable ASCII', () => {
    for (const input of ['/日本', '/a\u2028b', '/x?y=ü', '/posts/badgers']) {
      const once = safeNextPath(input);
      expect(safeNextPath(once)).toBe(once);
      expect(once).toMatch(/^[\x21-\x7e]+$/);
      expect(() => new Headers({ Location: once })).not.toThrow();
    }
  });
});

describe('secrets', () => {
  it('makes random strings from the alphabet, all different', () => {
    const values = new Set(Array.from({ length: 1000 }, () => randomString(24)));
    expect(values.size).toBe(1000);
    for (const value of values) expect(value).toMatch(/^[a-km-np-z2-9]{24}$/);
  });
  it('makes 8-symbol codes a person can type loosely', () => {
    const code = randomCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(normalizeCode(formatCode(code).toLowerCase())).toBe(code);
    expect(normalizeCode(' ab1o-il0x ')).toBe('AB10110X');
  });
  it('compares digests exactly', () => {
    expect(digestsEqual(sha256Hex('a'), sha256Hex('a'))).toBe(true);
    expect(digestsEqual(sha256Hex('a'), sha256Hex('b'))).toBe(false);
    expect(digestsEqual(sha256Hex('a'), 'abcd')).toBe(false);
  });
});

describe('cookies', () => {
  it('are Secure with a __Host- name except on plain-HTTP localhost', () => {
    const local = new URL('http://localhost:4321');
    const deployed = new URL('https://hedgerow.example');
    expect(sessionCookieName(local)).toBe('coterie_session');
    expect(sessionCookieAttributes(local, t(0))).toMatchObject({ httpOnly: true, sameSite: 'lax', secure: false, path: '/' });
    expect(sessionCookieName(deployed)).toBe('__Host-coterie_session');
    expect(sessionCookieAttributes(deployed, t(0)).secure).toBe(true);
    expect(sessionCookieAttributes(new URL('http://hedgerow.example'), t(0)).secure).toBe(true);
  });
  it('round-trip the pending sign-in and reject tampered values', () => {
    const pending = { browserSecret: randomString(32), email: 'wren@example.com' };
    expect(decodePendingSignIn(encodePendingSignIn(pending))).toEqual(pending);
    expect(decodePendingSignIn('short.d3Jlbg')).toBeUndefined();
    expect(decodePendingSignIn(undefined)).toBeUndefined();
  });
});

describe('roles and profiles', () => {
  it('makes the owner address the owner, whatever its case', () => {
    expect(isOwnerEmail('Wren@Hedgerow.example', 'wren@hedgerow.example')).toBe(true);
    expect(isOwnerEmail('robin@hedgerow.example', 'wren@hedgerow.example')).toBe(false);
  });
  it('gives a former owner back the role recorded when they became owner, else member', () => {
    expect(roleBeforeOwner(becameOwnerDetail('moderator'))).toBe('moderator');
    expect(roleBeforeOwner(becameOwnerDetail('member'))).toBe('member');
    expect(roleBeforeOwner(undefined)).toBe('member');
    expect(roleBeforeOwner('was moderatorish')).toBe('member');
  });
  it('checks handles and names', () => {
    expect(checkProfile({ name: '  Robin   Goodfellow ', handle: '@Night_Jar' })).toMatchObject({ ok: true, name: 'Robin Goodfellow', handle: 'night_jar' });
    expect(checkProfile({ name: '', handle: '' })).toMatchObject({ ok: true, name: null, handle: null });
    expect(checkProfile({ name: '', handle: 'a' })).toMatchObject({ ok: false, field: 'handle' });
    expect(checkProfile({ name: '', handle: 'no spaces' })).toMatchObject({ ok: false, field: 'handle' });
    expect(checkProfile({ name: '', handle: 'admin' })).toMatchObject({ ok: false, field: 'handle' });
    expect(checkProfile({ name: 'x'.repeat(81), handle: '' })).toMatchObject({ ok: false, field: 'name' });
  });
  it('parses addresses loosely but refuses obvious typos', () => {
    expect(parseEmail(' Wren@Example.COM ')).toBe('wren@example.com');
    for (const bad of ['wren', 'wren@', '@example.com', 'wren@example', 'a b@example.com', 'a@b@example.com']) expect(parseEmail(bad)).toBeUndefined();
  });
  it('names devices', () => {
    expect(describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Gecko/20100101 Firefox/130.0')).toBe('Firefox on macOS');
    expect(describeDevice('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36')).toBe('Chrome on Linux');
    expect(describeDevice('')).toBe('Unknown device');
  });
});
