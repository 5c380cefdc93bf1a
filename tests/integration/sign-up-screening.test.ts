/**
 * The bot defence against a real database, on every engine: the burst limit per network
 * and the counts of refusals the owner sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.ts';
import { botPolicy } from '../../src/server/bot-defence/bot-policy.ts';
import { issueFormStamp } from '../../src/server/bot-defence/form-stamp.ts';
import { listRefusedSignUps } from '../../src/server/bot-defence/refused-sign-ups.ts';
import { screenSignUp, type SignUpAttempt } from '../../src/server/bot-defence/screen-sign-up.ts';
import { cleanupEngines, testEngines } from '../support/test-database.ts';

const engines = testEngines();
afterAll(() => cleanupEngines(engines));

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const start = new Date('2026-03-01T09:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);
const { limit } = botPolicy.signUpsPerNetwork;

describe.each(engines)('screening sign-ups on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
  });
  /** A person's attempt: the hidden field empty, the page rendered a minute before `now`. */
  const attempt = (clientAddress: string, now: Date, overrides: Partial<SignUpAttempt> = {}) =>
    screenSignUp(
      handle.db,
      { form: 'signin', honeypot: '', stamp: issueFormStamp(secret, 'signin', new Date(now.getTime() - 60_000)), clientAddress, ...overrides },
      { secret, now },
    );

  it('slows a burst from one /24, while another network and later attempts pass', async () => {
    // Every address of the burst different: the per-address limits never see it.
    for (let host = 1; host <= limit; host += 1) expect(await attempt(`198.51.100.${host}`, minutes(1))).toEqual({ ok: true });
    const slowed = await attempt('198.51.100.250', minutes(2), { form: 'subscribe', stamp: '' });
    expect(slowed).toEqual({ ok: false, reason: 'network_burst', answer: 'slow', retryAfterMs: botPolicy.signUpsPerNetwork.windowMs - 60_000 });
    expect(await attempt('198.51.101.1', minutes(2))).toEqual({ ok: true });
    expect(await attempt('198.51.100.3', minutes(1 + botPolicy.signUpsPerNetwork.windowMs / 60_000))).toEqual({ ok: true });
  });

  it('counts an IPv6 /64 as one network', async () => {
    for (let host = 1; host <= limit; host += 1) await attempt(`2001:db8:5:6::${host.toString(16)}`, minutes(1));
    expect(await attempt('2001:db8:5:6:ffff::1', minutes(1))).toMatchObject({ ok: false, reason: 'network_burst' });
    expect(await attempt('2001:db8:5:7::1', minutes(1))).toEqual({ ok: true });
  });

  it('never slows loopback, where a proxy on this machine would stand for every visitor', async () => {
    for (let n = 0; n <= limit; n += 1) expect(await attempt('127.0.0.1', minutes(1))).toEqual({ ok: true });
  });

  it('counts each refusal per day, form and reason, and nothing else', async () => {
    const day = new Date('2026-04-10T23:59:00Z');
    await attempt('192.0.2.1', day, { honeypot: 'http://spam.example' });
    await attempt('192.0.2.2', day, { honeypot: 'http://spam.example', form: 'subscribe', stamp: '' });
    await attempt('192.0.2.3', day, { honeypot: 'again' });
    await attempt('192.0.2.4', day, { stamp: issueFormStamp(secret, 'signin', day) });
    await attempt('192.0.2.5', day, { stamp: '' });
    await attempt('192.0.2.6', day);
    await attempt('192.0.2.7', new Date('2026-04-11T00:01:00Z'), { honeypot: 'next day' });
    expect(await listRefusedSignUps(handle.db, { now: new Date('2026-04-11T12:00:00Z'), days: 2 })).toEqual([
      { day: '2026-04-11', form: 'signin', reason: 'honeypot', count: 1 },
      { day: '2026-04-10', form: 'signin', reason: 'honeypot', count: 2 },
      { day: '2026-04-10', form: 'signin', reason: 'stamp_missing', count: 1 },
      { day: '2026-04-10', form: 'signin', reason: 'too_fast', count: 1 },
      { day: '2026-04-10', form: 'subscribe', reason: 'honeypot', count: 1 },
    ]);
    // Older days fall out of the window shown.
    expect(await listRefusedSignUps(handle.db, { now: new Date('2026-04-11T12:00:00Z'), days: 1 })).toHaveLength(1);
  });
});
