import { describe, expect, it } from 'vitest';
import { allowedOrigins } from '../../src/server/http/allowed-origins.ts';
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

describe('allowedOrigins', () => {
  const write = (origin: string, siteUrl: string, listeningPort?: number) =>
    checkCrossSite({ method: 'POST', pathname: '/account', origin, secFetchSite: null }, allowedOrigins(new URL(siteUrl), listeningPort)).allowed;

  it('is the configured address alone for a public site, whatever Host the request named', () => {
    expect(allowedOrigins(new URL('https://hedgerow.example/'))).toEqual(['https://hedgerow.example']);
    // A spoofed Host with a matching Origin: the request's own origin is never trusted.
    expect(write('https://evil.example', 'https://hedgerow.example')).toBe(false);
    expect(write('http://localhost:4321', 'https://hedgerow.example', 4321)).toBe(false);
    expect(write('http://127.0.0.1:4321', 'https://hedgerow.example', 4321)).toBe(false);
  });

  it('adds the loopback names of a local site, on its port and the listening one', () => {
    expect(allowedOrigins(new URL('http://localhost:8080'), 4321).sort()).toEqual(
      [
        'http://localhost:8080',
        'http://127.0.0.1:8080',
        'http://[::1]:8080',
        'http://localhost:4321',
        'http://127.0.0.1:4321',
        'http://[::1]:4321',
      ].sort(),
    );
    expect(write('http://127.0.0.1:4321', 'http://localhost:4321')).toBe(true);
    expect(write('http://[::1]:4321', 'http://localhost:4321')).toBe(true);
  });

  it('refuses other hosts and ports even for a local site', () => {
    expect(write('http://evil.example:4321', 'http://localhost:4321', 4321)).toBe(false);
    expect(write('http://localhost:9999', 'http://localhost:4321', 4321)).toBe(false);
    expect(write('https://localhost:4321', 'http://localhost:4321', 4321)).toBe(false);
    expect(write('http://192.0.2.2:4321', 'http://localhost:4321', 4321)).toBe(false);
  });

  it('keeps the default port implied', () => {
    expect(allowedOrigins(new URL('http://localhost/'))).toEqual(['http://localhost', 'http://127.0.0.1', 'http://[::1]']);
  });
});
