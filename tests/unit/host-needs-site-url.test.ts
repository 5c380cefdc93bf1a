import { describe, expect, it } from 'vitest';
import { hostWithoutSiteUrlProblem } from '../../src/server/config/host-needs-site-url.ts';

describe('hostWithoutSiteUrlProblem', () => {
  it.each(['0.0.0.0', '::', '192.0.2.2', 'fd00::2', 'my-server.example', ''])('refuses HOST=%j without SITE_URL, naming SITE_URL', (HOST) => {
    const problem = hostWithoutSiteUrlProblem({ HOST });
    expect(problem).toContain(`HOST is "${HOST}"`);
    expect(problem).toMatch(/SITE_URL is not set\. Set SITE_URL to the address/);
  });

  it('treats a blank SITE_URL as none', () => {
    expect(hostWithoutSiteUrlProblem({ HOST: '0.0.0.0', SITE_URL: '  ' })).toBeDefined();
  });

  it('lets a non-loopback HOST start once SITE_URL is set', () => {
    expect(hostWithoutSiteUrlProblem({ HOST: '0.0.0.0', SITE_URL: 'https://hedgerow.example' })).toBeUndefined();
  });

  it.each([undefined, 'localhost', '127.0.0.1', '::1'])('needs no SITE_URL on loopback (HOST=%s)', (HOST) => {
    expect(hostWithoutSiteUrlProblem({ HOST })).toBeUndefined();
  });
});
