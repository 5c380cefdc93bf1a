import { describe, expect, it } from 'vitest';
import { signStopToken } from '../../src/server/discussions/stop-token.ts';
import { listUnsubscribeHeaders, unsubscribeLinks, unsubscribeParams, verifyUnsubscribeToken } from '../../src/server/newsletter/unsubscribe-token.ts';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const site = new URL('https://news.example.com');
const wren = { memberId: 'wrenmemberid2345abcd', campaignId: 'campaignid234567abcd' };

const paramsOf = (url: string) => unsubscribeParams(new URL(url).searchParams);

describe('unsubscribeLinks', () => {
  it('points at the preference page and the one-click address on the site, with m, c and t', () => {
    const links = unsubscribeLinks(site, wren, secret);
    const page = new URL(links.preferencesUrl);
    const oneClick = new URL(links.oneClickUrl);
    expect(page.origin).toBe('https://news.example.com');
    expect(page.pathname).toBe('/unsubscribe');
    expect(oneClick.pathname).toBe('/unsubscribe/one-click');
    expect(page.searchParams.get('m')).toBe(wren.memberId);
    expect(page.searchParams.get('c')).toBe(wren.campaignId);
    expect(page.searchParams.get('t')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(oneClick.search).toBe(page.search);
  });

  it('is the same URL every time for the same recipient, so a retried batch is the same email', () => {
    expect(unsubscribeLinks(site, wren, secret)).toEqual(unsubscribeLinks(site, { ...wren }, secret));
  });

  it('differs by member, by campaign and by secret', () => {
    const token = (recipient: typeof wren, key = secret) => paramsOf(unsubscribeLinks(site, recipient, key).oneClickUrl).token;
    const tokens = new Set([
      token(wren),
      token({ ...wren, memberId: 'othermember234567abc' }),
      token({ ...wren, campaignId: 'othercampaign234567a' }),
      token({ ...wren, campaignId: '' }),
      token(wren, `${secret}-rotated`),
    ]);
    expect(tokens.size).toBe(5);
  });

  it('refuses ids that are not ours rather than sign them', () => {
    expect(() => unsubscribeLinks(site, { memberId: '', campaignId: '' }, secret)).toThrow(/not a member id/);
    expect(() => unsubscribeLinks(site, { memberId: 'Wren&c=x', campaignId: '' }, secret)).toThrow(/not a member id/);
    expect(() => unsubscribeLinks(site, { memberId: 'wren', campaignId: 'a\nb' }, secret)).toThrow(/not a campaign id/);
  });
});

describe('listUnsubscribeHeaders', () => {
  it('are the two RFC 8058 headers, naming the one-click address', () => {
    const links = unsubscribeLinks(site, wren, secret);
    expect(listUnsubscribeHeaders(links)).toEqual({
      'List-Unsubscribe': `<${links.oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

describe('verifyUnsubscribeToken', () => {
  const good = paramsOf(unsubscribeLinks(site, wren, secret).oneClickUrl);

  it('accepts a link it signed, from a campaign or not', () => {
    expect(verifyUnsubscribeToken(good, secret)).toEqual(wren);
    const plain = paramsOf(unsubscribeLinks(site, { ...wren, campaignId: '' }, secret).preferencesUrl);
    expect(verifyUnsubscribeToken(plain, secret)).toEqual({ ...wren, campaignId: '' });
  });

  it.each([
    ['another member', { ...good, memberId: 'othermember234567abc' }],
    ['another campaign', { ...good, campaignId: 'othercampaign234567a' }],
    ['no campaign', { ...good, campaignId: '' }],
    ['a changed signature', { ...good, token: `${good.token.slice(0, -2)}${good.token.at(-2) === 'A' ? 'B' : 'A'}${good.token.at(-1)}` }],
    ['a truncated signature', { ...good, token: good.token.slice(0, -1) }],
    ['no signature', { ...good, token: '' }],
    ['no member', { ...good, memberId: '' }],
    ['padding added', { ...good, token: `${good.token}=` }],
  ])('refuses %s', (_label, params) => {
    expect(verifyUnsubscribeToken(params, secret)).toBeUndefined();
  });

  it('refuses a link signed with another secret', () => {
    expect(verifyUnsubscribeToken(good, `${secret}-other`)).toBeUndefined();
  });

  it('refuses a second spelling of the same signature (the spare bits of the last base64url character)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(good.token.at(-1) ?? '');
    // 32 bytes in 43 characters: the last one carries 4 bits, its lowest 2 are padding.
    const respelled = `${good.token.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(good.token, 'base64url'));
    expect(verifyUnsubscribeToken({ ...good, token: respelled }, secret)).toBeUndefined();
  });

  it('refuses the signature of a notification stop link made with the same secret', () => {
    const stopSignature = signStopToken(wren.memberId, secret).split('.')[1] ?? '';
    expect(verifyUnsubscribeToken({ memberId: wren.memberId, campaignId: '', token: stopSignature }, secret)).toBeUndefined();
  });
});

describe('unsubscribeParams', () => {
  it('reads m, c and t from a query or a form, and anything else as empty', () => {
    expect(unsubscribeParams(new URLSearchParams('m=a&c=b&t=c'))).toEqual({ memberId: 'a', campaignId: 'b', token: 'c' });
    const form = new FormData();
    form.set('m', 'a');
    form.set('t', new Blob(['not text']));
    expect(unsubscribeParams(form)).toEqual({ memberId: 'a', campaignId: '', token: '' });
  });
});
