/**
 * The dev outbox pages on the built server: served on localhost without a provider, to a
 * browser on the same machine, a 404 anywhere else, since the outbox holds members'
 * sign-in links.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOutboxMailer } from '../../src/server/mail/outbox.ts';
import { serveSite, type RunningSite } from './site-server.ts';

const running: RunningSite[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((site) => site.stop()));
});

/** A server for one test, stopped after it. */
async function serve(env: Record<string, string>): Promise<RunningSite> {
  const site = await serveSite(inject('siteDir'), env);
  running.push(site);
  return site;
}

/** An email in the server's outbox, as the site would have sent it. */
async function seed(site: RunningSite): Promise<string> {
  const { id } = await createOutboxMailer({ dir: site.outboxDir, log: () => {} }).send({
    from: 'The Hedgerow <hello@hedgerow.example>',
    to: '<b>ada</b>@example.com',
    subject: 'Sign in to <i>The Hedgerow</i>',
    // A quote that would end the srcdoc attribute early, if it were not escaped.
    html: '<p title="x">Hello</p>"><img src=x onerror=alert(1)><script>parent.document.title = "owned"</script>',
    text: `Sign in: ${site.url}/signin/confirm?token=tok_1.\nElsewhere: https://evil.example/x and ${site.url}@evil.example/y`,
    tag: 'sign-in',
  });
  return id;
}

describe('on localhost without an email provider', () => {
  let site: RunningSite;
  let id: string;
  beforeAll(async () => {
    site = await serveSite(inject('siteDir'));
    id = await seed(site);
  });
  afterAll(() => site?.stop());

  it('lists the outbox and shows a message with only its site links clickable', async () => {

    const index = await fetch(`${site.url}/dev/outbox`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-store');
    const list = await index.text();
    expect(list).toContain(`href="/dev/outbox/${id}"`);
    expect(list).toContain('&lt;b&gt;ada&lt;/b&gt;@example.com');
    expect(list).not.toContain('<b>ada</b>');

    const page = await fetch(`${site.url}/dev/outbox/${id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Sign in to &lt;i&gt;The Hedgerow&lt;/i&gt;');
    const links = [...html.matchAll(/<pre class="outbox-text">[\s\S]*?<\/pre>/g)].join('').match(/href="[^"]*"/g);
    expect(links).toEqual([`href="${site.url}/signin/confirm?token=tok_1"`]);
    // The email's HTML is framed from its own URL, in a sandbox without scripts, and is not in this page.
    expect(html).toContain(`<iframe class="outbox-frame" sandbox="" src="/dev/outbox/${id}/html"`);
    expect(html).not.toContain('allow-scripts');
    expect(html).not.toMatch(/onerror|<script>parent/);
  });

  it("serves the email's HTML under its own policy: inline styles and images, no scripts", async () => {
    const response = await fetch(`${site.url}/dev/outbox/${id}/html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('<p title="x">Hello</p>');
    const policy = new Map(
      (response.headers.get('content-security-policy') ?? '').split(';').map((part) => {
        const [name = '', ...sources] = part.trim().split(/\s+/);
        return [name, sources] as const;
      }),
    );
    expect(policy.get('style-src')).toEqual(["'unsafe-inline'"]);
    // Scripts fall back to default-src, which allows nothing.
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect([...policy.keys()].filter((name) => name.startsWith('script-src'))).toEqual([]);
    expect(policy.get('frame-ancestors')).toEqual(["'self'"]);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('is a 404 to a request relayed by a proxy, which would connect from this machine for anyone', async () => {
    const relayed: Record<string, string>[] = [{ 'X-Forwarded-For': '203.0.113.9' }, { Forwarded: 'for=203.0.113.9' }, { Via: '1.1 caddy' }];
    for (const headers of relayed) {
      for (const path of ['/dev/outbox', `/dev/outbox/${id}`, `/dev/outbox/${id}/html`]) {
        const response = await fetch(`${site.url}${path}`, { headers });
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(404);
        expect(await response.text()).not.toContain('ada');
      }
    }
  });

  it('answers unknown and path-like ids with the 404 page', async () => {
    for (const id of ['nope', '..%2F..%2Fpackage.json', '2025-01-01T00-00-00-000Z-000000000000']) {
      for (const path of [`/dev/outbox/${id}`, `/dev/outbox/${id}/html`]) {
        const response = await fetch(`${site.url}${path}`);
        expect(response.status, path).toBe(404);
        expect(await response.text()).toContain('This path leads nowhere');
      }
    }
  });
});

describe('where the outbox must not be served', () => {
  it.each([
    ['an email provider is configured', { RESEND_API_KEY: 're_not_used' }],
    ['the site has a public address', { SITE_URL: 'http://hedgerow.example' }],
  ])('is a 404 when %s, even with messages in it', async (_why, env) => {
    const site = await serve(env);
    const id = await seed(site);
    // The server's own address, which differs from the site's address when SITE_URL is set.
    const listening = /listening on (http:\/\/\S+)/.exec(site.output())?.[1];
    for (const path of ['/dev/outbox', `/dev/outbox/${id}`, `/dev/outbox/${id}/html`]) {
      const response = await fetch(`${listening}${path}`);
      expect(response.status, path).toBe(404);
      const html = await response.text();
      expect(html).toContain('This path leads nowhere');
      expect(html).not.toContain('ada');
    }
  });
});

/** This machine's address on its network, which a connection to it comes from too; undefined if it has none. */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((found) => found && found.family === 'IPv4' && !found.internal)?.address;

describe('when the server listens beyond loopback', () => {
  let site: RunningSite;
  let id: string;
  let port: string;
  beforeAll(async () => {
    // HOST=0.0.0.0 needs SITE_URL to start; a localhost one is what used to expose the outbox.
    site = await serveSite(inject('siteDir'), { HOST: '0.0.0.0', SITE_URL: 'http://localhost:4321' });
    id = await seed(site);
    port = new URL(/listening on (http:\/\/\S+)/.exec(site.output())?.[1] ?? '').port;
  });
  afterAll(() => site?.stop());

  const expectNotFound = async (response: Response, path: string) => {
    expect(response.status, path).toBe(404);
    const html = await response.text();
    expect(html).toContain('This path leads nowhere');
    expect(html).not.toContain('ada');
  };

  it.skipIf(!networkAddress)('is a 404 to a client connecting from another address, whatever X-Forwarded-For says', async () => {
    for (const path of ['/dev/outbox', `/dev/outbox/${id}`, `/dev/outbox/${id}/html`]) {
      await expectNotFound(await fetch(`http://${networkAddress}:${port}${path}`), path);
      await expectNotFound(await fetch(`http://${networkAddress}:${port}${path}`, { headers: { 'X-Forwarded-For': '127.0.0.1' } }), path);
    }
  });

  it('is a 404 even to a browser on this machine, since the port is open to others', async () => {
    for (const path of ['/dev/outbox', `/dev/outbox/${id}`, `/dev/outbox/${id}/html`]) {
      await expectNotFound(await fetch(`http://127.0.0.1:${port}${path}`), path);
    }
  });
});
