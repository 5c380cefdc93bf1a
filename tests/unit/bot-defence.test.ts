import { describe, expect, it } from 'vitest';
import { botPolicy } from '../../src/server/bot-defence/bot-policy.ts';
import { issueFormStamp, readFormStamp } from '../../src/server/bot-defence/form-stamp.ts';
import { networkOf } from '../../src/server/bot-defence/network-of.ts';
import { screenForm } from '../../src/server/bot-defence/screen-form.ts';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const rendered = new Date('2026-03-01T09:00:00Z');
const after = (ms: number) => new Date(rendered.getTime() + ms);
const stamp = issueFormStamp(secret, 'signin', rendered);
const rules = (now: Date, stampRequired = true) => ({ secret, form: 'signin' as const, now, stampRequired });

describe('the form stamp', () => {
  it('reads back the time it was issued at', () => {
    expect(readFormStamp(secret, 'signin', stamp)).toEqual({ ok: true, issuedAt: rendered });
  });

  it('is refused when signed with another secret, for another form, or changed', () => {
    expect(readFormStamp(`${secret}x`, 'signin', stamp)).toEqual({ ok: false, reason: 'stamp_forged' });
    expect(readFormStamp(secret, 'subscribe', stamp)).toEqual({ ok: false, reason: 'stamp_forged' });
    const [time, signature] = stamp.split('.');
    expect(readFormStamp(secret, 'signin', `${Number(time) - 60_000}.${signature}`)).toEqual({ ok: false, reason: 'stamp_forged' });
    expect(readFormStamp(secret, 'signin', 'garbage')).toEqual({ ok: false, reason: 'stamp_forged' });
    expect(readFormStamp(secret, 'signin', '')).toEqual({ ok: false, reason: 'stamp_missing' });
  });
});

describe('screening a form', () => {
  it('passes a person: hidden field empty, sent a few seconds after the page was rendered', () => {
    expect(screenForm({ honeypot: '', stamp }, rules(after(botPolicy.minimumFormAgeMs)))).toEqual({ ok: true });
    expect(screenForm({ honeypot: '', stamp }, rules(after(60 * 60_000)))).toEqual({ ok: true });
  });

  it('pretends to a robot that filled the hidden field or forged the stamp', () => {
    expect(screenForm({ honeypot: 'Great post!', stamp }, rules(after(10_000)))).toEqual({ ok: false, reason: 'honeypot', answer: 'pretend' });
    expect(screenForm({ honeypot: '', stamp: `${rendered.getTime()}.${'A'.repeat(43)}` }, rules(after(10_000)))).toEqual({
      ok: false,
      reason: 'stamp_forged',
      answer: 'pretend',
    });
  });

  it('asks for a second press when sent too fast, keeping the first stamp so that press passes', () => {
    const verdict = screenForm({ honeypot: '', stamp }, rules(after(botPolicy.minimumFormAgeMs - 1)));
    expect(verdict).toEqual({ ok: false, reason: 'too_fast', answer: 'retry', stamp });
    if (verdict.ok || verdict.answer !== 'retry') throw new Error('unreachable');
    expect(screenForm({ honeypot: '', stamp: verdict.stamp }, rules(after(botPolicy.minimumFormAgeMs + 500)))).toEqual({ ok: true });
  });

  it('asks for a second press, with a fresh stamp, when the stamp is missing or the page is too old', () => {
    const now = after(botPolicy.maximumFormAgeMs + 1);
    const fresh = issueFormStamp(secret, 'signin', now);
    expect(screenForm({ honeypot: '', stamp }, rules(now))).toEqual({ ok: false, reason: 'stamp_stale', answer: 'retry', stamp: fresh });
    expect(screenForm({ honeypot: '', stamp: '' }, rules(now))).toEqual({ ok: false, reason: 'stamp_missing', answer: 'retry', stamp: fresh });
  });

  it('lets a form from a static page (no stamp) through where the stamp is not required, but still checks one that is there', () => {
    expect(screenForm({ honeypot: '', stamp: '' }, rules(rendered, false))).toEqual({ ok: true });
    expect(screenForm({ honeypot: '', stamp }, rules(rendered, false))).toMatchObject({ ok: false, reason: 'too_fast' });
    expect(screenForm({ honeypot: 'x', stamp: '' }, rules(rendered, false))).toMatchObject({ ok: false, reason: 'honeypot' });
  });
});

describe('the network of an address', () => {
  it('is the /24 of IPv4 and the /64 of IPv6', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.0/24');
    expect(networkOf('::ffff:203.0.113.200')).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('[2001:DB8:1:2::9]')).toBe('2001:db8:1:2::/64');
    expect(networkOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('is none for loopback, which is this machine or a proxy in front of everyone', () => {
    expect(networkOf('127.0.0.1')).toBeUndefined();
    expect(networkOf('::1')).toBeUndefined();
    expect(networkOf('::ffff:127.0.0.1')).toBeUndefined();
  });
});
