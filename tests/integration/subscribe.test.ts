/**
 * Double opt-in against a real database, on every engine, with an injected clock: the
 * form's email, the link that subscribes once, and the answers that reveal nobody.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { members, sessions, suppressions } from '../../db/schema.ts';
import type { MailContext } from '../../src/server/auth/request-sign-in.ts';
import { peekLinkToken, redeemLinkToken } from '../../src/server/auth/sign-in-tokens.ts';
import { requestSignIn } from '../../src/server/auth/request-sign-in.ts';
import { grantTier, listMembers } from '../../src/server/members/grants.ts';
import { confirmSubscription, peekSubscription, requestSubscription } from '../../src/server/newsletter/subscribe.ts';
import type { Email } from '../../src/server/mail/email.ts';
import { recordingMailer, tokenAndCode } from '../support/recording-mailer.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const site = { name: 'The Hedgerow', sender: { name: 'Wren', address: 'letters@hedgerow.example' } };
const start = new Date('2026-03-01T09:00:00Z');
const hours = (n: number) => new Date(start.getTime() + n * 3_600_000);
let network = 0;

/** The token in a confirmation email's /subscribe/confirm link. */
function confirmToken(email: Email): string {
  const token = /\/subscribe\/confirm\?token=([a-z2-9]+)/.exec(email.text)?.[1];
  if (!token) throw new Error(`No confirmation link in:\n${email.text}`);
  return token;
}

describe.each(engines)('subscribing on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  const context = (now = start) => {
    const mailer = recordingMailer();
    const mail: MailContext = { db: handle.db, mailer, site, siteUrl: new URL('https://hedgerow.example'), now };
    return { mail, mailer };
  };
  // Each request its own network address, so per-network limits do not leak between tests.
  const ask = async (email: string, now = start) => {
    const { mail, mailer } = context(now);
    const result = await requestSubscription(mail, { email, from: '/posts/badgers', clientAddress: `10.0.0.${++network}`, newsletterName: 'The Hedgerow Weekly' });
    return { result, mailer };
  };
  const askForToken = async (email: string, now = start) => {
    const { result, mailer } = await ask(email, now);
    if (!result.ok) throw new Error(`subscribe request refused: ${result.reason}`);
    return { token: confirmToken(mailer.last()), message: mailer.last() };
  };
  const member = async (email: string) => (await handle.db.select().from(members).where(eq(members.email, email)))[0];

  it('emails one link built on the site address; the link subscribes once, creating a verified member with no session', async () => {
    const { token, message } = await askForToken('Newcomer@Example.com');
    expect(message.to).toBe('newcomer@example.com');
    expect(message.subject).toBe('Confirm your subscription to The Hedgerow Weekly');
    expect(message.text).toContain(`https://hedgerow.example/subscribe/confirm?token=${token}`);
    expect(message.from).toBe('"Wren" <letters@hedgerow.example>');
    // Asking creates nobody: an address someone typed is not a subscriber.
    expect(await member('newcomer@example.com')).toBeUndefined();

    const confirmed = await confirmSubscription(handle.db, token, hours(1));
    expect(confirmed).toEqual({ ok: true, email: 'newcomer@example.com', from: '/posts/badgers' });
    const subscriber = await member('newcomer@example.com');
    expect(subscriber).toMatchObject({ newsletter: 'subscribed', emailVerifiedAt: hours(1), role: 'member' });
    if (!subscriber) throw new Error('unreachable');
    expect(await handle.db.select().from(sessions).where(eq(sessions.memberId, subscriber.id))).toEqual([]);
    expect(await confirmSubscription(handle.db, token, hours(1))).toEqual({ ok: false, reason: 'link_used' });
  });

  it('looking at the link changes nothing; it works for 48 hours', async () => {
    const { token } = await askForToken('late@example.com');
    expect((await peekSubscription(handle.db, token, hours(47))).ok).toBe(true);
    expect((await peekSubscription(handle.db, token, hours(47))).ok).toBe(true);
    expect(await member('late@example.com')).toBeUndefined();
    expect(await confirmSubscription(handle.db, token, hours(48))).toEqual({ ok: false, reason: 'link_expired' });
    expect(await member('late@example.com')).toBeUndefined();
    expect(await confirmSubscription(handle.db, 'not-a-token', start)).toEqual({ ok: false, reason: 'link_invalid' });
  });

  it('two presses at once subscribe once', async () => {
    const { token } = await askForToken('double@example.com');
    const results = await Promise.all([confirmSubscription(handle.db, token, start), confirmSubscription(handle.db, token, start)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, reason: 'link_used' }]);
  });

  it('a confirmation link never signs in, and a sign-in link never subscribes', async () => {
    const { token } = await askForToken('crossed@example.com');
    expect(await peekLinkToken(handle.db, token, start)).toEqual({ ok: false, reason: 'link_invalid' });
    expect(await redeemLinkToken(handle.db, token, start)).toEqual({ ok: false, reason: 'link_invalid' });
    // Refused without being spent: it still subscribes.
    expect((await confirmSubscription(handle.db, token, start)).ok).toBe(true);

    const { mail, mailer } = context();
    await requestSignIn(mail, { email: 'crossed@example.com', next: '/', clientAddress: `10.0.0.${++network}` });
    const signInToken = tokenAndCode(mailer.last()).token;
    expect(await peekSubscription(handle.db, signInToken, start)).toEqual({ ok: false, reason: 'link_invalid' });
    expect(await confirmSubscription(handle.db, signInToken, start)).toEqual({ ok: false, reason: 'link_invalid' });
    expect((await redeemLinkToken(handle.db, signInToken, start)).ok).toBe(true);
  });

  it('answers alike for a subscriber and a stranger: same result, one email each, different wording only', async () => {
    await confirmSubscription(handle.db, (await askForToken('known@example.com')).token, start);
    const known = await ask('known@example.com');
    const stranger = await ask('stranger@example.com');
    expect(known.result).toEqual({ ok: true, email: 'known@example.com' });
    expect(stranger.result).toEqual({ ok: true, email: 'stranger@example.com' });
    expect(Object.keys(known.result).sort()).toEqual(Object.keys(stranger.result).sort());
    expect(known.mailer.sent).toHaveLength(1);
    expect(stranger.mailer.sent).toHaveLength(1);
    expect(known.mailer.last().subject).toBe('You are already subscribed to The Hedgerow Weekly');
    expect(known.mailer.last().text).toContain('https://hedgerow.example/account');
    expect(stranger.mailer.last().subject).toBe('Confirm your subscription to The Hedgerow Weekly');
  });

  it('sends at most five emails an hour to one address, and thirty an hour to one network', async () => {
    const { mail, mailer } = context();
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await requestSubscription(mail, { email: 'flooded@example.com', from: '/', clientAddress: `10.1.0.${i}` }));
    expect(results.slice(0, 5).every((result) => result.ok)).toBe(true);
    expect(results[5]).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect(mailer.sent).toHaveLength(5);
    expect((await requestSubscription({ ...mail, now: hours(1.1) }, { email: 'flooded@example.com', from: '/', clientAddress: '10.1.1.1' })).ok).toBe(true);

    let refused = 0;
    for (let i = 0; i < 31; i++) {
      const result = await requestSubscription(mail, { email: `reader${i}@example.com`, from: '/', clientAddress: '10.9.9.9' });
      if (!result.ok) refused++;
    }
    expect(refused).toBe(1);
  });

  it('refuses what is not an email address, and keeps a return path on this site only', async () => {
    const { mail, mailer } = context();
    expect(await requestSubscription(mail, { email: 'not an address', from: '/', clientAddress: '10.2.0.1' })).toEqual({ ok: false, reason: 'email_invalid' });
    expect(mailer.sent).toHaveLength(0);
    await requestSubscription(mail, { email: 'elsewhere@example.com', from: '//evil.example/x', clientAddress: '10.2.0.2' });
    expect(await confirmSubscription(handle.db, confirmToken(mailer.last()), start)).toMatchObject({ ok: true, from: '/' });
  });

  it('an explicit yes resubscribes after an unsubscribe or a complaint, but a hard bounce stays suppressed', async () => {
    for (const [email, newsletter, reason] of [
      ['changed.mind@example.com', 'unsubscribed', 'unsubscribed'],
      ['complained@example.com', 'complained', 'complained'],
      ['bounced@example.com', 'bounced', 'bounced'],
      ['was.imported@example.com', 'unsubscribed', 'imported'],
    ] as const) {
      await handle.db.insert(members).values({ email, newsletter });
      await handle.db.insert(suppressions).values({ email, reason });
      // Not subscribed as far as the form can tell, so the email asks to confirm.
      const { token, message } = await askForToken(email);
      expect(message.subject).toMatch(/^Confirm/);
      expect((await confirmSubscription(handle.db, token, start)).ok).toBe(true);
      expect((await member(email))?.newsletter).toBe('subscribed');
      const left = await handle.db.select({ reason: suppressions.reason }).from(suppressions).where(eq(suppressions.email, email));
      expect(left, email).toEqual(reason === 'bounced' ? [{ reason: 'bounced' }] : []);
    }
  });

  it('never touches a paying member’s tiers, and keeps their verification date', async () => {
    await grantTier(handle.db, { email: 'patron@example.com', tier: 'supporter', endsAt: null, grantedBy: 'cli', note: '' }, start);
    await handle.db.update(members).set({ emailVerifiedAt: hours(-100) }).where(eq(members.email, 'patron@example.com'));
    const before = (await listMembers(handle.db, start)).find((listed) => listed.email === 'patron@example.com');
    await confirmSubscription(handle.db, (await askForToken('patron@example.com')).token, hours(1));
    const after = (await listMembers(handle.db, hours(1))).find((listed) => listed.email === 'patron@example.com');
    expect(after?.tiers).toEqual(before?.tiers);
    expect(after?.tiers.map((held) => held.tier)).toEqual(['supporter']);
    expect(await member('patron@example.com')).toMatchObject({ newsletter: 'subscribed', emailVerifiedAt: hours(-100) });
  });
});
