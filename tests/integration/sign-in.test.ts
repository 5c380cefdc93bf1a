/**
 * Passwordless sign-in against a real database, on every engine, with an injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { executeRows } from '../../db/execute-rows.ts';
import { completeSignIn } from '../../src/server/auth/complete-sign-in.ts';
import { consumeRateLimits } from '../../src/server/auth/rate-limit.ts';
import { requestEmailChange, requestSignIn, type MailContext } from '../../src/server/auth/request-sign-in.ts';
import { sha256Hex } from '../../src/server/auth/secrets.ts';
import { signInLimits } from '../../src/server/auth/sign-in-policy.ts';
import { peekLinkToken, redeemCode, redeemLinkToken } from '../../src/server/auth/sign-in-tokens.ts';
import { validateSessionToken } from '../../src/server/auth/sessions.ts';
import { recordingMailer, tokenAndCode } from '../support/recording-mailer.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const site = { name: 'The Hedgerow', sender: { name: 'Wren', address: 'letters@hedgerow.example' } };
const ownerEmail = 'wren@hedgerow.example';
const start = new Date('2026-03-01T09:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);
let network = 0;

describe.each(engines)('sign-in on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  const context = (now = start) => {
    const mailer = recordingMailer();
    const mail: MailContext = { db: handle.db, mailer, site, siteUrl: new URL('https://hedgerow.example'), now };
    return { mail, mailer };
  };
  // Each test its own network address, so per-network limits do not leak between tests.
  const ask = async (email: string, now = start) => {
    const { mail, mailer } = context(now);
    const result = await requestSignIn(mail, { email, next: '/posts/badgers', clientAddress: `10.0.0.${++network}` });
    if (!result.ok) throw new Error(`sign-in request refused: ${result.reason}`);
    return { ...tokenAndCode(mailer.last()), result, email: mailer.last() };
  };
  const signIn = async (token: string, now = start) => {
    const redeemed = await redeemLinkToken(handle.db, token, now);
    if (!redeemed.ok) throw new Error(redeemed.reason);
    const done = await completeSignIn(handle.db, redeemed.token, { ownerEmail, now, userAgent: 'test' });
    if (!done.ok) throw new Error(done.reason);
    return done;
  };

  it('sends a link to the site address, never to the request host, and the link signs in once', async () => {
    const { token, email } = await ask('Newcomer@Example.com');
    expect(email.to).toBe('newcomer@example.com');
    expect(email.text).toContain(`https://hedgerow.example/signin/confirm?token=${token}`);
    const done = await signIn(token);
    expect(done.member.email).toBe('newcomer@example.com');
    expect(done.member.emailVerifiedAt).toEqual(start);
    expect(done.nextPath).toBe('/posts/badgers');
    expect(await redeemLinkToken(handle.db, token, start)).toEqual({ ok: false, reason: 'link_used' });
  });

  it('two clicks at once sign in only once', async () => {
    const { token } = await ask('double@example.com');
    const results = await Promise.all([redeemLinkToken(handle.db, token, start), redeemLinkToken(handle.db, token, start)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });

  it('a link expires after 10 minutes, and looking at it does not use it', async () => {
    const { token } = await ask('late@example.com');
    expect((await peekLinkToken(handle.db, token, minutes(9))).ok).toBe(true);
    expect((await peekLinkToken(handle.db, token, minutes(9))).ok).toBe(true);
    expect(await redeemLinkToken(handle.db, token, minutes(10))).toEqual({ ok: false, reason: 'link_expired' });
    expect(await redeemLinkToken(handle.db, 'not-a-token', start)).toEqual({ ok: false, reason: 'link_invalid' });
  });

  it('a code works only in the browser that asked for it, only once, and only for 10 minutes', async () => {
    const { code, result } = await ask('coder@example.com');
    if (!result.ok) throw new Error('unreachable');
    const secret = result.browserSecret;
    expect(await redeemCode(handle.db, { email: 'coder@example.com', code, browserSecret: 'x'.repeat(32) }, start)).toEqual({ ok: false, reason: 'code_wrong' });
    expect((await redeemCode(handle.db, { email: 'coder@example.com', code, browserSecret: secret }, minutes(10))).ok).toBe(false);
    const typed = code.toLowerCase().replace('-', ' ');
    expect((await redeemCode(handle.db, { email: 'coder@example.com', code: typed, browserSecret: secret }, minutes(9))).ok).toBe(true);
    expect((await redeemCode(handle.db, { email: 'coder@example.com', code, browserSecret: secret }, minutes(9))).ok).toBe(false);
  });

  it('limits wrong codes per browser: the sixth attempt in the window is refused', async () => {
    const key = `code-browser:${sha256Hex('some-browser-secret')}`;
    const attempt = () => consumeRateLimits(handle.db, [{ key, rule: signInLimits.codeAttemptsPerBrowser }], minutes(1));
    for (let i = 0; i < 5; i++) expect((await attempt()).allowed).toBe(true);
    const refused = await attempt();
    expect(refused.allowed).toBe(false);
    // The window restarts once it has passed.
    const later = await consumeRateLimits(handle.db, [{ key, rule: signInLimits.codeAttemptsPerBrowser }], minutes(17));
    expect(later.allowed).toBe(true);
  });

  it('stores neither the link token, the code nor the session secret', async () => {
    const { token, code } = await ask('hashed@example.com');
    const done = await signIn(token);
    const secret = done.session.token.split('.')[1] ?? '';
    const dump = JSON.stringify([
      await executeRows(handle.db, 'select * from login_tokens'),
      await executeRows(handle.db, 'select * from sessions'),
    ]);
    for (const value of [token, code, code.replace('-', ''), secret]) expect(dump).not.toContain(value);
    expect(dump).toContain(sha256Hex(token)); // what is stored is the hash
  });

  it('answers alike for a member and a stranger: same result shape, one email each, different wording only', async () => {
    await signIn((await ask('known@example.com')).token);
    const known = await ask('known@example.com');
    const stranger = await ask('stranger@example.com');
    expect(Object.keys(known.result).sort()).toEqual(Object.keys(stranger.result).sort());
    expect(known.email.subject).toMatch(/^Sign in/);
    expect(stranger.email.subject).toMatch(/^Confirm your email/);
  });

  it('sends at most five emails an hour to one address', async () => {
    const { mail, mailer } = context();
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await requestSignIn(mail, { email: 'flooded@example.com', next: '/', clientAddress: `10.1.0.${i}` }));
    expect(results.slice(0, 5).every((result) => result.ok)).toBe(true);
    expect(results[5]).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect(mailer.sent).toHaveLength(5);
    const nextHour = await requestSignIn({ ...mail, now: minutes(61) }, { email: 'flooded@example.com', next: '/', clientAddress: '10.1.1.1' });
    expect(nextHour.ok).toBe(true);
  });

  it('limits emails per network too, across addresses', async () => {
    const { mail } = context();
    let refused = 0;
    for (let i = 0; i < 31; i++) {
      const result = await requestSignIn(mail, { email: `person${i}@example.com`, next: '/', clientAddress: '10.9.9.9' });
      if (!result.ok) refused++;
    }
    expect(refused).toBe(1);
  });

  it('refuses what is not an email address, and a next path to another site', async () => {
    const { mail, mailer } = context();
    expect(await requestSignIn(mail, { email: 'not an address', next: '/', clientAddress: '10.2.0.1' })).toEqual({ ok: false, reason: 'email_invalid' });
    expect(mailer.sent).toHaveLength(0);
    const { token } = await (async () => {
      const result = await requestSignIn(mail, { email: 'redirect@example.com', next: '//evil.example/x', clientAddress: '10.2.0.2' });
      expect(result.ok).toBe(true);
      return tokenAndCode(mailer.last());
    })();
    expect((await signIn(token)).nextPath).toBe('/account?done=signed-in');
  });

  it('makes the site owner the owner at first sign-in, and nobody else', async () => {
    const owner = await signIn((await ask('Wren@Hedgerow.example')).token);
    expect(owner.member.role).toBe('owner');
    const other = await signIn((await ask('robin@hedgerow.example')).token);
    expect(other.member.role).toBe('member');
  });

  it('starts a new session at every sign-in', async () => {
    const first = await signIn((await ask('twice@example.com')).token);
    const second = await signIn((await ask('twice@example.com')).token);
    expect(second.session.session.id).not.toBe(first.session.session.id);
    expect((await validateSessionToken(handle.db, first.session.token, start)).valid).toBe(true);
  });

  it('changes the address only when the new one is confirmed, and never onto another account', async () => {
    const member = (await signIn((await ask('mover@example.com')).token)).member;
    const { mail, mailer } = context();
    const changed = await requestEmailChange(mail, { member, newEmail: 'moved@example.com', clientAddress: '10.3.0.1' });
    expect(changed).toEqual({ ok: true, email: 'moved@example.com' });
    expect(mailer.last().to).toBe('moved@example.com');
    const { token } = tokenAndCode(mailer.last());
    const done = await signIn(token);
    expect(done.member).toMatchObject({ id: member.id, email: 'moved@example.com' });
    expect(done.previousEmail).toBe('mover@example.com');

    await signIn((await ask('taken@example.com')).token);
    await requestEmailChange(mail, { member: done.member, newEmail: 'taken@example.com', clientAddress: '10.3.0.2' });
    const redeemed = await redeemLinkToken(handle.db, tokenAndCode(mailer.last()).token, start);
    if (!redeemed.ok) throw new Error(redeemed.reason);
    expect(await completeSignIn(handle.db, redeemed.token, { ownerEmail, now: start, userAgent: '' })).toEqual({ ok: false, reason: 'email_taken' });
    expect(await requestEmailChange(mail, { member: done.member, newEmail: 'MOVED@example.com', clientAddress: '10.3.0.3' })).toEqual({ ok: false, reason: 'email_unchanged' });
  });
});
