import { describe, expect, it } from 'vitest';
import { carriesForwardingHeaders, mailStartupWarning, outboxIsServed } from '../../src/server/mail/outbox-visibility.ts';
import { isLoopbackAddress, isLoopbackHost } from '../../src/server/http/loopback.ts';

const local = ['http://localhost:4321', 'http://127.0.0.1:4321', 'http://[::1]:4321', 'http://field-notes.localhost'];
const notLocal = [
  'https://field-notes.example',
  'http://localhost.evil.com',
  'http://127.0.0.1.nip.io',
  'http://localhost@evil.com',
  'https://evil.com/localhost',
];

/** A laptop: no provider, a localhost site, a server on loopback, a browser on the same machine. */
const laptop = { providerConfigured: false, siteUrl: new URL('http://localhost:4321'), listeningOn: '127.0.0.1', clientAddress: '127.0.0.1', forwarded: false };

describe('outboxIsServed', () => {
  it.each(local)('serves the outbox at %s when no provider is configured', (url) => {
    expect(outboxIsServed({ ...laptop, siteUrl: new URL(url) })).toBe(true);
  });

  it.each(local)('hides it at %s once a provider is configured', (url) => {
    expect(outboxIsServed({ ...laptop, providerConfigured: true, siteUrl: new URL(url) })).toBe(false);
  });

  it.each(notLocal)('never serves it at %s, provider or not', (url) => {
    expect(outboxIsServed({ ...laptop, siteUrl: new URL(url) })).toBe(false);
    expect(outboxIsServed({ ...laptop, providerConfigured: true, siteUrl: new URL(url) })).toBe(false);
  });

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.0.2'])('serves a browser on this machine connecting from %s', (clientAddress) => {
    expect(outboxIsServed({ ...laptop, clientAddress })).toBe(true);
    expect(outboxIsServed({ ...laptop, listeningOn: '::1', clientAddress })).toBe(true);
  });

  it.each(['192.0.2.2', '10.0.0.5', 'fd00::2', '::ffff:192.0.2.2', '0.0.0.0', '::', '', 'localhost'])(
    'refuses a client connecting from %s, even on a laptop',
    (clientAddress) => {
      expect(outboxIsServed({ ...laptop, clientAddress })).toBe(false);
    },
  );

  it.each(['0.0.0.0', '::', '192.0.2.2', 'fd00::2'])('refuses even a local client while the server listens on %s', (listeningOn) => {
    expect(outboxIsServed({ ...laptop, listeningOn })).toBe(false);
    expect(outboxIsServed({ ...laptop, listeningOn, clientAddress: '::1' })).toBe(false);
  });

  it('refuses a request relayed by a proxy on this machine, which connects from loopback for everyone', () => {
    expect(outboxIsServed({ ...laptop, forwarded: true })).toBe(false);
  });

  it('refuses while the listening or the client address is unknown', () => {
    expect(outboxIsServed({ ...laptop, listeningOn: undefined })).toBe(false);
    expect(outboxIsServed({ ...laptop, clientAddress: undefined })).toBe(false);
  });
});

describe('carriesForwardingHeaders', () => {
  it.each(['Forwarded', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Real-IP', 'CF-Connecting-IP', 'True-Client-IP', 'Via'])('notices %s', (name) => {
    expect(carriesForwardingHeaders(new Headers({ [name]: '127.0.0.1' }))).toBe(true);
  });

  it('finds none on a browser request', () => {
    expect(carriesForwardingHeaders(new Headers({ Host: 'localhost:4321', 'User-Agent': 'Mozilla/5.0', Accept: 'text/html' }))).toBe(false);
  });
});

describe('isLoopbackAddress and isLoopbackHost', () => {
  it('knows loopback addresses, and nothing that only looks like one', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::FFFF:127.0.0.1']) expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['127.0.0.1.nip.io', '1127.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', '0.0.0.0', '::'])
      expect(isLoopbackAddress(address), address).toBe(false);
  });

  it('takes localhost as a host, but no other name', () => {
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    for (const host of ['0.0.0.0', '::', '', 'my-laptop.local', 'field-notes.localhost', '192.0.2.2']) expect(isLoopbackHost(host), host).toBe(false);
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
