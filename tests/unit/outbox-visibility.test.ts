import { describe, expect, it } from 'vitest';
import { mailStartupWarning, outboxIsServed } from '../../src/server/mail/outbox-visibility.ts';

const local = ['http://localhost:4321', 'http://127.0.0.1:4321', 'http://[::1]:4321', 'http://field-notes.localhost'];
const notLocal = [
  'https://field-notes.example',
  'http://localhost.evil.com',
  'http://127.0.0.1.nip.io',
  'http://localhost@evil.com',
  'https://evil.com/localhost',
];

describe('outboxIsServed', () => {
  it.each(local)('serves the outbox at %s when no provider is configured', (url) => {
    expect(outboxIsServed({ providerConfigured: false, siteUrl: new URL(url) })).toBe(true);
  });

  it.each(local)('hides it at %s once a provider is configured', (url) => {
    expect(outboxIsServed({ providerConfigured: true, siteUrl: new URL(url) })).toBe(false);
  });

  it.each(notLocal)('never serves it at %s, provider or not', (url) => {
    expect(outboxIsServed({ providerConfigured: false, siteUrl: new URL(url) })).toBe(false);
    expect(outboxIsServed({ providerConfigured: true, siteUrl: new URL(url) })).toBe(false);
  });
});

describe('mailStartupWarning', () => {
  it('warns a deployment without a provider, naming the variable to set', () => {
    expect(mailStartupWarning({ SITE_URL: 'https://field-notes.example' })).toMatch(/RESEND_API_KEY is not set.*data\/outbox\/.*Set RESEND_API_KEY/);
  });

  it('names a custom outbox folder', () => {
    expect(mailStartupWarning({ SITE_URL: 'https://field-notes.example', COTERIE_OUTBOX_DIR: '/var/outbox' })).toContain('/var/outbox');
  });

  it('treats a blank key as no key', () => {
    expect(mailStartupWarning({ SITE_URL: 'https://field-notes.example', RESEND_API_KEY: '  ' })).toBeDefined();
  });

  it('stays quiet with a provider, or on a laptop', () => {
    expect(mailStartupWarning({ SITE_URL: 'https://field-notes.example', RESEND_API_KEY: 're_123' })).toBeUndefined();
    expect(mailStartupWarning({})).toBeUndefined();
    expect(mailStartupWarning({ SITE_URL: 'http://127.0.0.1:8080' })).toBeUndefined();
  });
});
