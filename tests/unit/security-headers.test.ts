import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, contentSecurityPolicyFor, securityHeaders } from '../../src/server/http/security-headers.ts';

/** The policy as directive name to its sources, as a browser parses it. */
function directives(policy: string): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) parsed.set(name.toLowerCase(), sources);
  }
  return parsed;
}

const policy = directives(contentSecurityPolicy);

describe('the Content-Security-Policy', () => {
  it('allows no inline script and no JavaScript eval, only files from our origin', () => {
    for (const name of ['script-src', 'default-src']) {
      const sources = policy.get(name) ?? [];
      expect(sources, name).not.toContain("'unsafe-inline'");
      expect(sources, name).not.toContain("'unsafe-eval'");
      expect(sources.some((source) => source.startsWith("'nonce-") || source.startsWith("'sha")), name).toBe(false);
    }
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    // A script-src-elem or -attr would override script-src for elements or handlers.
    expect(policy.has('script-src-elem')).toBe(false);
    expect(policy.has('script-src-attr')).toBe(false);
  });

  it('allows stylesheets from our origin only', () => {
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.has('style-src-elem')).toBe(false);
  });

  it('forbids framing, plugins, base rewriting and posting forms anywhere but us and Stripe', () => {
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    expect(policy.get('form-action')).toEqual(["'self'", 'https://checkout.stripe.com', 'https://billing.stripe.com']);
  });

  it('lets forms reach a loopback Stripe fake only when STRIPE_API_BASE names one', () => {
    expect(contentSecurityPolicyFor({ STRIPE_API_BASE: 'http://127.0.0.1:4567' })).toContain("form-action 'self' https://checkout.stripe.com https://billing.stripe.com http://127.0.0.1:4567;");
    expect(contentSecurityPolicyFor({})).not.toContain('127.0.0.1');
  });

  it('names each directive once, since a browser ignores a repeated one', () => {
    const names = contentSecurityPolicy.split(';').map((part) => part.trim().split(/\s+/)[0]);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('securityHeaders', () => {
  it('returns the full set, with the same policy', () => {
    expect(securityHeaders({})).toEqual({
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'X-Frame-Options': 'DENY',
      'Permissions-Policy': expect.stringMatching(/camera=\(\).*geolocation=\(\).*microphone=\(\)/),
    });
  });

  it('tells browsers to keep to HTTPS for a year when the site address is https', () => {
    expect(securityHeaders({ SITE_URL: 'https://hedgerow.example' })['Strict-Transport-Security']).toBe('max-age=31536000');
    expect(securityHeaders({ SITE_URL: ' https://hedgerow.example/path ' })['Strict-Transport-Security']).toBe('max-age=31536000');
  });

  it('sends no Strict-Transport-Security for a plain-HTTP or unset site address', () => {
    for (const env of [{}, { SITE_URL: 'http://localhost:4321' }, { SITE_URL: 'http://hedgerow.example' }, { SITE_URL: 'not a url' }]) {
      expect(securityHeaders(env), JSON.stringify(env)).not.toHaveProperty('Strict-Transport-Security');
    }
  });
});
