import { describe, expect, it } from 'vitest';
import { checkCrossSite } from '../../src/server/http/cross-site-check.ts';

const site = ['https://hedgerow.example'];
const post = (facts: Partial<{ origin: string | null; secFetchSite: string | null; pathname: string; method: string }>) =>
  checkCrossSite({ method: 'POST', pathname: '/account', origin: null, secFetchSite: null, ...facts }, site);

describe('checkCrossSite', () => {
  it('lets reads through', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(post({ method }).allowed).toBe(true);
  });
  it('allows a write from the site itself', () => {
    expect(post({ origin: 'https://hedgerow.example', secFetchSite: 'same-origin' }).allowed).toBe(true);
    expect(post({ origin: 'https://hedgerow.example' }).allowed).toBe(true);
  });
  it.each([
    [{ origin: null }, 'origin_missing'],
    [{ origin: 'null' }, 'origin_missing'],
    [{ origin: 'https://evil.example' }, 'origin_mismatch'],
    [{ origin: 'https://hedgerow.example.evil.example' }, 'origin_mismatch'],
    [{ origin: 'http://hedgerow.example' }, 'origin_mismatch'],
    [{ origin: 'https://hedgerow.example', secFetchSite: 'cross-site' }, 'cross_site_fetch'],
    [{ origin: 'https://hedgerow.example', secFetchSite: 'same-site' }, 'cross_site_fetch'],
    [{ origin: 'https://hedgerow.example', secFetchSite: 'none' }, 'cross_site_fetch'],
  ])('refuses %o (%s)', (facts, reason) => {
    expect(post(facts)).toEqual({ allowed: false, reason });
  });
  it('refuses every write method, not only POST', () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'post']) expect(post({ method, origin: 'https://evil.example' }).allowed).toBe(false);
  });
  it('exempts only the listed endpoints, by exact path', () => {
    expect(post({ pathname: '/api/stripe/webhook' }).allowed).toBe(true);
    expect(post({ pathname: '/unsubscribe/one-click' }).allowed).toBe(true);
    expect(post({ pathname: '/notifications/stop' }).allowed).toBe(true);
    expect(post({ pathname: '/notifications' }).allowed).toBe(false);
    expect(post({ pathname: '/api/stripe/webhook-other' }).allowed).toBe(false);
    expect(post({ pathname: '/api/stripe/webhook/../../account' }).allowed).toBe(false);
  });
});
