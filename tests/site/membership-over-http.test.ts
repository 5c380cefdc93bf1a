/**
 * Membership rules through the real server (`scripts/start.ts` serving the test build):
 * cross-site writes refused in every shape, sign-in answers that reveal nobody, and the
 * dev outbox served only where it is safe.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cookieSetBy, postForm, signInOverHttp } from './http-sign-in.ts';
import { codeIn, waitForEmail } from './outbox-messages.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
});
afterAll(() => site?.stop());

const displayName = async (cookie: string) => {
  const html = await (await fetch(new URL('/account', site.url), { headers: { Cookie: cookie } })).text();
  return /id="account-name"[^>]*value="([^"]*)"/.exec(html)?.[1];
};

describe('cross-site requests', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signInOverHttp(site, 'csrf-target@example.com');
  });

  const attempt = (init: { method?: string; headers?: Record<string, string>; body?: BodyInit }) =>
    fetch(new URL('/account', site.url), { method: 'POST', redirect: 'manual', ...init, headers: { Cookie: cookie, ...init.headers } });
  const form = 'intent=profile&name=Hijacked&handle=';

  it('accepts the profile form from the site itself (the control)', async () => {
    const response = await postForm(site, '/account', { intent: 'profile', name: 'Kept Name', handle: '' }, cookie);
    expect(response.status).toBe(303);
    expect(await displayName(cookie)).toBe('Kept Name');
  });

  it.each([
    ['a form from another site', { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['a text/plain form from another site', { Origin: 'https://evil.example', 'Content-Type': 'text/plain' }],
    ['a multipart form from another site', { Origin: 'https://evil.example', 'Content-Type': 'multipart/form-data; boundary=x' }],
    ['JSON from another site', { Origin: 'https://evil.example', 'Content-Type': 'application/json' }],
    ['an odd content type from another site', { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8, text/plain' }],
    ['no Content-Type from another site', { Origin: 'https://evil.example' }],
    ['no Origin at all', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['no Origin and text/plain', { 'Content-Type': 'text/plain' }],
    ['Origin "null" (sandboxed frame)', { Origin: 'null', 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['a look-alike origin', { Origin: `${'https://evil.example'}?${site?.url}`, 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['our Origin but Sec-Fetch-Site: cross-site', { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'cross-site', OriginFromSite: '1' }],
  ])('refuses %s, and changes nothing', async (_label, headers) => {
    const { OriginFromSite, ...sent } = headers as Record<string, string>;
    const response = await attempt({ headers: OriginFromSite ? { ...sent, Origin: site.url } : sent, body: form });
    expect(response.status).toBe(403);
    expect(await displayName(cookie)).toBe('Kept Name');
  });

  it('refuses other methods from another site too', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await attempt({ method, headers: { Origin: 'https://evil.example' }, body: form });
      expect(response.status, method).toBe(403);
    }
  });

  it('refuses a cross-site sign-in request (login CSRF)', async () => {
    const response = await fetch(new URL('/signin', site.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'email=victim@example.com',
    });
    expect(response.status).toBe(403);
  });
});

describe('sign-in answers', () => {
  it('are the same for a member and a stranger, apart from the random cookie value', async () => {
    await signInOverHttp(site, 'existing@example.com');
    const ask = (email: string) => postForm(site, '/signin', { email, next: '/' });
    const [member, stranger] = [await ask('existing@example.com'), await ask('nobody-here@example.com')];
    const shape = async (response: Response) => ({
      status: response.status,
      location: response.headers.get('location'),
      headers: [...response.headers.keys()].filter((name) => name !== 'date').sort(),
      cookies: response.headers.getSetCookie().map((cookie) => cookie.replace(/=[^;]*/, '=…').replace(/Expires=[^;]*/, 'Expires=…')),
      body: await response.text(),
    });
    expect(await shape(member)).toEqual(await shape(stranger));
    // Both got an email; that is where the difference is, and only the inbox owner sees it.
    expect((await waitForEmail(site.outboxDir, 'existing@example.com')).subject).toMatch(/^Sign in/);
    expect((await waitForEmail(site.outboxDir, 'nobody-here@example.com')).subject).toMatch(/^Confirm/);
  });

  it('allows five wrong codes per request, then refuses even the right one', async () => {
    const asked = await postForm(site, '/signin', { email: 'guesser@example.com', next: '/' });
    const pending = cookieSetBy(asked, 'coterie_signin');
    expect(pending).not.toBe('');
    const message = await waitForEmail(site.outboxDir, 'guesser@example.com');
    const code = codeIn(message);
    const wrong = code.startsWith('A') ? 'BBBB-BBBB' : 'AAAA-AAAA';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await postForm(site, '/signin/check', { code: wrong }, pending);
      expect(response.status, `attempt ${attempt}`).toBe(400);
      expect(await response.text()).toContain(`value="${wrong}"`);
    }
    const locked = await postForm(site, '/signin/check', { code }, pending);
    expect(locked.status).toBe(429);
    expect(locked.headers.getSetCookie().some((cookie) => cookie.startsWith('coterie_session='))).toBe(false);
  });

  it('signs in with the right code in the browser that asked, and not in another', async () => {
    const asked = await postForm(site, '/signin', { email: 'typist@example.com', next: '/' });
    const pending = cookieSetBy(asked, 'coterie_signin');
    const code = codeIn(await waitForEmail(site.outboxDir, 'typist@example.com'));
    // Another browser asking for the same address gets a cookie of its own, which this code does not fit.
    const other = await postForm(site, '/signin', { email: 'typist@example.com', next: '/' });
    const otherPending = cookieSetBy(other, 'coterie_signin');
    expect((await postForm(site, '/signin/check', { code }, otherPending)).status).toBe(400);
    const right = await postForm(site, '/signin/check', { code: code.toLowerCase() }, pending);
    expect(right.status).toBe(303);
    expect(right.headers.getSetCookie().some((cookie) => cookie.startsWith('coterie_session='))).toBe(true);
  });

  it('keeps what was typed when the address is refused', async () => {
    const response = await postForm(site, '/signin', { email: 'wren at example', next: '/' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('value="wren at example"');
    expect(html).toContain('does not look like an email address');
  });

  it('signs out everywhere: every session of the member stops working', async () => {
    const first = await signInOverHttp(site, 'everywhere@example.com');
    const second = await signInOverHttp(site, 'everywhere@example.com');
    const out = await postForm(site, '/account', { intent: 'sign-out-everywhere' }, second);
    expect(out.status).toBe(303);
    for (const cookie of [first, second]) {
      const account = await fetch(new URL('/account', site.url), { headers: { Cookie: cookie }, redirect: 'manual' });
      expect(account.headers.get('location')).toMatch(/^\/signin/);
    }
  });
});

describe('the dev outbox', () => {
  it('is listed on a laptop with no email provider', async () => {
    await postForm(site, '/signin', { email: 'outbox-reader@example.com', next: '/' });
    await waitForEmail(site.outboxDir, 'outbox-reader@example.com');
    const response = await fetch(new URL('/dev/outbox', site.url));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('outbox-reader@example.com');
  });

  it('is not served, and start-up warns, when the site has a public address', async () => {
    const deployed = await serveSite(inject('siteDir'), { SITE_URL: 'https://hedgerow.example' });
    try {
      const response = await fetch(new URL('/dev/outbox', `http://127.0.0.1:${new URL(await listeningAddress(deployed)).port}`));
      expect(response.status).toBe(404);
      expect(deployed.output()).toContain('no email leaves this machine');
    } finally {
      await deployed.stop();
    }
  });

  it('is not served when an email provider is configured', async () => {
    const withProvider = await serveSite(inject('siteDir'), { RESEND_API_KEY: 're_test_key' });
    try {
      expect((await fetch(new URL('/dev/outbox', withProvider.url))).status).toBe(404);
    } finally {
      await withProvider.stop();
    }
  });
});

/** Where the server really listens (its site address may be a public one it is not reachable at). */
async function listeningAddress(running: RunningSite): Promise<string> {
  const match = /listening on (http:\/\/\S+)/.exec(running.output());
  if (!match?.[1]) throw new Error(`No listening line in:\n${running.output()}`);
  return match[1];
}
