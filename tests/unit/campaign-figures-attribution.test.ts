import { describe, expect, it } from 'vitest';
import { newId } from '../../db/ids.ts';
import { checkoutSource, parseCheckoutSource } from '../../src/server/billing/checkout.ts';

describe('checkoutSource', () => {
  const campaign = newId();

  it('is the post path alone without a campaign, as before digests', () => {
    expect(checkoutSource({ from: '/posts/owl-pellets', campaign: '' })).toBe('/posts/owl-pellets');
    expect(checkoutSource({ from: '', campaign: '' })).toBe('');
  });

  it('names the campaign, and keeps the post path after it', () => {
    expect(checkoutSource({ from: '/posts/owl-pellets', campaign })).toBe(`digest:${campaign}:/posts/owl-pellets`);
    expect(checkoutSource({ from: '', campaign })).toBe(`digest:${campaign}`);
  });

  it('drops a campaign id that is not one of ours, keeping the path', () => {
    for (const forged of ['preview', 'ABCDEFGHIJKLMNOPQRST', `${campaign}x`, `${campaign}:/x`, "x' or 1=1 --", 'abcdefghijklmnopqrs1']) {
      expect(checkoutSource({ from: '/posts/x', campaign: forged }), forged).toBe('/posts/x');
    }
  });
});

describe('parseCheckoutSource', () => {
  const campaign = newId();

  it('reads back what checkoutSource wrote', () => {
    for (const from of ['/posts/owl-pellets', '', '/posts/a:b']) {
      expect(parseCheckoutSource(checkoutSource({ from, campaign }))).toEqual({ campaignId: campaign, from });
    }
  });

  it('credits no campaign for other sources', () => {
    expect(parseCheckoutSource('/posts/owl-pellets')).toEqual({ from: '/posts/owl-pellets' });
    expect(parseCheckoutSource('digest:short:/posts/x')).toEqual({ from: 'digest:short:/posts/x' });
    expect(parseCheckoutSource(`digest:${campaign}x`)).toEqual({ from: `digest:${campaign}x` });
    expect(parseCheckoutSource('')).toEqual({ from: '' });
  });
});
